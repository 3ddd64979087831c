// REGISTER_BROKER bodies in both forms: the first input byte says compressed (odd) or JSON (even).
#include <cstdint>
#include <string_view>

#include "protocol/register_broker_body.h"

using namespace ringmq;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool compressed = (data[0] & 1) != 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  auto decoded = protocol::decode_register_broker_body(body, compressed);
  if (decoded) (void)protocol::decode_register_broker_body(protocol::encode_register_broker_body(*decoded, compressed), compressed);
  return 0;
}
