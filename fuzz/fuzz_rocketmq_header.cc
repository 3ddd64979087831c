// The ROCKETMQ binary header decoder, whose extFields map is the length-prefixed key/value decoder.
#include <cstdint>

#include "remoting/header_codec.h"

using namespace ringmq;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  remoting::RemotingCommand cmd;
  (void)remoting::decode_rocketmq_header(Bytes(data, size), cmd);
  return 0;
}
