// The JSON header decoder (every client dialect), extFields included.
#include <cstdint>

#include "remoting/header_codec.h"

using namespace ringmq;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  remoting::RemotingCommand cmd;
  (void)remoting::decode_json_header(Bytes(data, size), cmd);
  return 0;
}
