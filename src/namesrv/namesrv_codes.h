// The request and response codes the NameServer uses (docs/PROTOCOL.md §2, §3), and the
// client versions it branches on.
#pragma once

#include <cstdint>

#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::namesrv {

namespace request_code = remoting::request_code;
namespace response_code = remoting::response_code;

// MQVersion.Version.V4_9_4's ordinal: 4.9.4 sends standard (quoted-key) route JSON to clients of
// this version or newer (§1.10).
inline constexpr std::int32_t kVersionV4_9_4 = 401;

}  // namespace ringmq::namesrv
