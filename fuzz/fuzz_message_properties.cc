// Message properties (`name 0x01 value 0x02`...): decoding never fails, and what it keeps encodes
// back to something that decodes to the same pairs.
#include <cstdint>
#include <string_view>

#include "base/assert.h"
#include "remoting/message_properties.h"

using namespace ringmq;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto props = remoting::MessageProperties::decode(text);
  (void)remoting::find_property(text, "UNIQ_KEY");
  auto again = remoting::MessageProperties::decode(props.encode());
  RINGMQ_ASSERT(again.encode() == props.encode());
  return 0;
}
