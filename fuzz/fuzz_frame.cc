// The remoting frame decoder: length prefix, header spec, JSON or ROCKETMQ header, body. Whatever
// decodes must encode again and decode to the same command.
#include <cstdint>

#include "base/assert.h"
#include "remoting/codec.h"

using namespace ringmq;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes input(data, size);
  auto peeked = remoting::peek_frame_size(input);
  if (!peeked || !*peeked || **peeked != size) return 0;
  auto parts = remoting::split_frame(input);
  auto cmd = remoting::decode_frame(input);
  if (!cmd) return 0;
  RINGMQ_ASSERT(parts.ok());
  std::string encoded;
  if (!remoting::encode_frame(*cmd, encoded)) return 0;  // e.g. a ROCKETMQ header too long to re-encode
  auto again = remoting::decode_frame(as_bytes(encoded));
  RINGMQ_ASSERT(again.ok());
  RINGMQ_ASSERT(again->code == cmd->code && again->opaque == cmd->opaque && again->body == cmd->body);
  RINGMQ_ASSERT(again->ext_fields.size() <= cmd->ext_fields.size());
  return 0;
}
