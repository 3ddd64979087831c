// Limits shared by more than one module. A limit used by one module only lives in that module.
#pragma once

#include <cstddef>

namespace ringmq {

// Largest message body a producer may send (RocketMQ maxMessageSize default, 4 MiB).
inline constexpr std::size_t kMessageBytesMax = 4 * 1024 * 1024;

}  // namespace ringmq
