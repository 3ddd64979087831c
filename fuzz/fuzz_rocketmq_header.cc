// The ROCKETMQ binary header decoder, whose extFields map is the length-prefixed key/value decoder.
#include <cstdint>

#include "remoting/codec.h"

using namespace ringmq;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)remoting::decode_header(remoting::SerializeType::rocketmq, Bytes(data, size));
  return 0;
}
