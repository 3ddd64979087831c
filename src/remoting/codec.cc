#include "remoting/codec.h"

#include <fmt/format.h>

#include <limits>

#include "remoting/header_codec.h"

namespace ringmq::remoting {

static_assert(kFrameBytesMax <= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()),
              "the length prefix is an int32");

Result<std::optional<std::size_t>> peek_frame_size(Bytes buffered) {
  if (buffered.size() < kLengthPrefixBytes) return std::optional<std::size_t>();
  const auto length = static_cast<std::int32_t>(load_be32(buffered.data()));
  if (length < 0) return make_error(Errc::malformed, fmt::format("negative frame length {}", length));
  const auto after_prefix = static_cast<std::size_t>(length);
  if (after_prefix < kHeaderSpecBytes) {
    return make_error(Errc::malformed, fmt::format("frame length {} cannot hold a header spec", length));
  }
  const std::size_t total = kLengthPrefixBytes + after_prefix;
  if (total > kFrameBytesMax) {
    return make_error(Errc::too_large,
                      fmt::format("frame of {} bytes exceeds the {}-byte limit", total, kFrameBytesMax));
  }
  return std::optional<std::size_t>(total);
}

Result<FrameParts> split_frame(Bytes frame) {
  RINGMQ_TRY_ASSIGN(const std::optional<std::size_t> total, peek_frame_size(frame));
  if (!total) return make_error(Errc::malformed, "frame shorter than its length prefix");
  if (*total != frame.size()) {
    return make_error(Errc::malformed,
                      fmt::format("frame is {} bytes but its length prefix says {}", frame.size(), *total));
  }
  const std::uint32_t spec = load_be32(frame.data() + kLengthPrefixBytes);
  const std::uint32_t type_byte = spec >> kSerializeTypeShift;
  const std::size_t header_bytes = spec & kHeaderBytesMax;
  const std::size_t after_spec = frame.size() - kLengthPrefixBytes - kHeaderSpecBytes;
  if (header_bytes > after_spec) {
    return make_error(Errc::malformed,
                      fmt::format("header length {} exceeds the {} bytes after the header spec",
                                  header_bytes, after_spec));
  }
  FrameParts parts;
  switch (type_byte) {
    case static_cast<std::uint32_t>(SerializeType::json): parts.serialize_type = SerializeType::json; break;
    case static_cast<std::uint32_t>(SerializeType::rocketmq): parts.serialize_type = SerializeType::rocketmq; break;
    default:
      return make_error(Errc::malformed, fmt::format("unknown serialize type {}", type_byte));
  }
  const Bytes rest = frame.subspan(kLengthPrefixBytes + kHeaderSpecBytes);
  parts.header = rest.first(header_bytes);
  parts.body = rest.subspan(header_bytes);
  return parts;
}

Status decode_header_into(SerializeType type, Bytes header, RemotingCommand& cmd) {
  cmd.serialize_type = type;
  switch (type) {
    case SerializeType::json: return detail::decode_json_header(header, cmd);
    case SerializeType::rocketmq: return detail::decode_rocketmq_header(header, cmd);
  }
  return make_error(Errc::malformed, "unknown serialize type");
}

Result<RemotingCommand> decode_header(SerializeType type, Bytes header) {
  RemotingCommand cmd;
  RINGMQ_TRY(decode_header_into(type, header, cmd));
  return cmd;
}

Result<RemotingCommand> decode_frame(Bytes frame) {
  RINGMQ_TRY_ASSIGN(const FrameParts parts, split_frame(frame));
  RemotingCommand cmd;
  RINGMQ_TRY(decode_header_into(parts.serialize_type, parts.header, cmd));
  cmd.body.assign(as_string_view(parts.body));
  return cmd;
}

void encode_header(const RemotingCommand& cmd, std::string& out) {
  switch (cmd.serialize_type) {
    case SerializeType::json: detail::encode_json_header(cmd, out); return;
    case SerializeType::rocketmq: detail::encode_rocketmq_header(cmd, out); return;
  }
  RINGMQ_ASSERT(false && "serialize_type holds a value outside the enum");
}

Status encode_frame_prefix(const RemotingCommand& cmd, std::size_t body_bytes, std::string& out) {
  if (cmd.serialize_type == SerializeType::rocketmq) RINGMQ_TRY(detail::check_rocketmq_encodable(cmd));
  const std::size_t start = out.size();
  out.append(kLengthPrefixBytes + kHeaderSpecBytes, '\0');
  encode_header(cmd, out);
  const std::size_t header_bytes = out.size() - start - kLengthPrefixBytes - kHeaderSpecBytes;
  const std::size_t without_body = kLengthPrefixBytes + kHeaderSpecBytes + header_bytes;
  // Written so that a huge body_bytes cannot overflow the sum.
  if (header_bytes > kHeaderBytesMax || without_body > kFrameBytesMax ||
      body_bytes > kFrameBytesMax - without_body) {
    out.resize(start);
    return make_error(Errc::too_large,
                      fmt::format("frame with a {}-byte header and a {}-byte body exceeds {} bytes",
                                  header_bytes, body_bytes, kFrameBytesMax));
  }
  store_be32(out.data() + start,
             static_cast<std::uint32_t>(kHeaderSpecBytes + header_bytes + body_bytes));
  store_be32(out.data() + start + kLengthPrefixBytes,
             (static_cast<std::uint32_t>(cmd.serialize_type) << kSerializeTypeShift) |
                 static_cast<std::uint32_t>(header_bytes));
  return {};
}

Status encode_frame(const RemotingCommand& cmd, std::string& out) {
  RINGMQ_TRY(encode_frame_prefix(cmd, cmd.body.size(), out));
  out.append(cmd.body);
  return {};
}

}  // namespace ringmq::remoting
