// Batch bodies (SEND_BATCH_MESSAGE, SEND_MESSAGE_V2 with m=true): what decodes re-encodes to bytes
// that decode to the same messages.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/assert.h"
#include "remoting/batch_body.h"

using namespace ringmq;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto messages = remoting::decode_batch_body(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!messages) return 0;
  std::string encoded;
  for (const auto& m : *messages) {
    if (!remoting::append_batch_message(m, encoded)) return 0;
  }
  auto again = remoting::decode_batch_body(encoded);
  RINGMQ_ASSERT(again.ok() && again->size() == messages->size());
  return 0;
}
