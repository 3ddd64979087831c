#include "remoting/batch_body.h"

#include <fmt/format.h>

#include <limits>

#include "base/bytes.h"
#include "remoting/message_properties.h"

namespace ringmq::remoting {
namespace {

Error malformed(std::size_t index, std::string_view what) {
  return make_error(Errc::malformed, fmt::format("batch message {}: {}", index, what));
}

}  // namespace

Result<std::vector<BatchMessage>> decode_batch_body(std::string_view batch_body) {
  std::vector<BatchMessage> messages;
  ByteReader r(as_bytes(batch_body));
  while (r.remaining() > 0) {
    const std::size_t index = messages.size();
    if (r.remaining() < kBatchMessageFixedBytes) return malformed(index, "truncated fixed part");
    const std::int32_t total_size = r.i32();
    (void)r.i32();  // MAGICCODE: 0 from clients, not checked (Java does not either)
    (void)r.i32();  // BODYCRC: recomputed by the broker
    BatchMessage m;
    m.flag = r.i32();
    const std::int32_t body_len = r.i32();
    if (body_len < 0 || static_cast<std::size_t>(body_len) > r.remaining()) {
      return malformed(index, fmt::format("body length {} runs past the batch", body_len));
    }
    m.body = r.string(static_cast<std::size_t>(body_len));
    const std::int16_t props_len = r.i16();
    if (!r.ok() || props_len < 0 || static_cast<std::size_t>(props_len) > r.remaining()) {
      return malformed(index, fmt::format("properties length {} runs past the batch", props_len));
    }
    m.properties = r.string(static_cast<std::size_t>(props_len));
    const std::size_t expected = kBatchMessageFixedBytes + static_cast<std::size_t>(body_len) +
                                 static_cast<std::size_t>(props_len);
    if (total_size < 0 || static_cast<std::size_t>(total_size) != expected) {
      return malformed(index, fmt::format("TOTALSIZE {} but the record is {} bytes", total_size, expected));
    }
    messages.push_back(m);
  }
  if (messages.empty()) return make_error(Errc::malformed, "empty batch body");
  return messages;
}

Status append_batch_message(const BatchMessage& message, std::string& out) {
  const std::size_t total = kBatchMessageFixedBytes + message.body.size() + message.properties.size();
  if (message.properties.size() > kPropertiesBytesMax ||
      total > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    return make_error(Errc::invalid_argument, "batch message too large for its length fields");
  }
  ByteWriter w(out);
  w.u32(static_cast<std::uint32_t>(total));
  w.u32(0);  // MAGICCODE
  w.u32(0);  // BODYCRC
  w.i32(message.flag);
  w.u32(static_cast<std::uint32_t>(message.body.size()));
  w.bytes(message.body);
  w.u16(static_cast<std::uint16_t>(message.properties.size()));
  w.bytes(message.properties);
  return {};
}

}  // namespace ringmq::remoting
