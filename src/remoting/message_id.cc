#include "remoting/message_id.h"

#include <fmt/format.h>

#include "base/bytes.h"
#include "base/hex.h"

namespace ringmq::remoting {

void append_offset_msg_id(const OffsetMsgId& id, std::string& out) {
  std::uint8_t raw[kOffsetMsgIdBytes];
  store_be32(raw, id.ipv4);
  store_be32(raw + 4, static_cast<std::uint32_t>(id.port));
  store_be64(raw + 8, static_cast<std::uint64_t>(id.commit_log_offset));
  append_hex(Bytes(raw, sizeof raw), out);
}

std::string encode_offset_msg_id(const OffsetMsgId& id) {
  std::string out;
  out.reserve(kOffsetMsgIdHexChars);
  append_offset_msg_id(id, out);
  return out;
}

Result<OffsetMsgId> decode_offset_msg_id(std::string_view hex) {
  if (hex.size() == kOffsetMsgIdV6HexChars) {
    return make_error(Errc::unsupported, "IPv6 offset message ids are not supported");
  }
  if (hex.size() != kOffsetMsgIdHexChars) {
    return make_error(Errc::malformed, fmt::format("offset message id '{}' is not {} hex characters",
                                                   hex.substr(0, 64), kOffsetMsgIdHexChars));
  }
  std::uint8_t raw[kOffsetMsgIdBytes];
  for (std::size_t i = 0; i < kOffsetMsgIdBytes; ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return make_error(Errc::malformed, fmt::format("offset message id '{}' is not hex", hex));
    }
    raw[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  OffsetMsgId id;
  id.ipv4 = load_be32(raw);
  id.port = static_cast<std::int32_t>(load_be32(raw + 4));
  id.commit_log_offset = static_cast<std::int64_t>(load_be64(raw + 8));
  return id;
}

}  // namespace ringmq::remoting
