// The JSON header decoder (every client dialect), extFields included.
#include <cstdint>

#include "remoting/codec.h"

using namespace ringmq;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)remoting::decode_header(remoting::SerializeType::json, Bytes(data, size));
  return 0;
}
