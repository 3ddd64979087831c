// HEART_BEAT bodies (HeartbeatData JSON in every client dialect).
#include <cstdint>
#include <string_view>

#include "protocol/heartbeat_data.h"

using namespace ringmq;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)protocol::decode_heartbeat(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
