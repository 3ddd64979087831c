// ROCKETMQ binary command headers (docs/PROTOCOL.md §1.5), following
// RocketMQSerializable#rocketMQProtocolEncode/Decode in 4.9.4.
#include <fmt/format.h>

#include <limits>

#include "remoting/codec.h"
#include "remoting/header_codec.h"

namespace ringmq::remoting::detail {
namespace {

constexpr std::int64_t kInt16Min = std::numeric_limits<std::int16_t>::min();
constexpr std::int64_t kInt16Max = std::numeric_limits<std::int16_t>::max();

Error malformed(std::string_view what) {
  return make_error(Errc::malformed, fmt::format("ROCKETMQ header: {}", what));
}

// The extFields block: (int16 key length, key, int32 value length, value) until the block ends.
// Java reads it with ByteBuffer.getShort/getInt, so a negative length or one that runs past the
// block is an error; a repeated key keeps the last value (HashMap.put).
// Number of entries in a well-formed block (a lower bound otherwise), so the decoder can reserve
// once instead of growing the vector entry by entry.
std::size_t count_ext_entries(Bytes block) {
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos + 2 <= block.size()) {
    pos += 2 + static_cast<std::size_t>(load_be16(block.data() + pos) & 0x7FFF);
    if (pos + 4 > block.size()) break;
    pos += 4 + (load_be32(block.data() + pos) & 0x7FFFFFFFu);
    ++count;
  }
  return count;
}

Status decode_ext_block(Bytes block, ExtFields& fields) {
  // The count is exact for every block that decodes (they parse lengths alike), so checking it
  // first refuses an oversized header before any entry is built.
  const std::size_t entries = count_ext_entries(block);
  if (entries > kExtFieldsMax) return malformed(fmt::format("{} extFields entries, more than {}", entries, kExtFieldsMax));
  fields.reserve(entries);
  ExtFieldsFiller filler(fields);
  ByteReader r(block);
  while (r.remaining() > 0) {
    const std::int16_t key_len = r.i16();
    if (!r.ok() || key_len < 0 || static_cast<std::size_t>(key_len) > r.remaining()) {
      return malformed("extFields key length runs past the block");
    }
    const std::string_view key = r.string(static_cast<std::size_t>(key_len));
    const std::int32_t value_len = r.i32();
    if (!r.ok() || value_len < 0 || static_cast<std::size_t>(value_len) > r.remaining()) {
      return malformed("extFields value length runs past the block");
    }
    filler.put(key, r.string(static_cast<std::size_t>(value_len)));
  }
  return {};
}

}  // namespace

Status decode_rocketmq_header(Bytes header, RemotingCommand& cmd) {
  if (header.size() < kRocketmqHeaderFixedBytes) {
    return malformed(fmt::format("{} bytes, shorter than the {}-byte fixed part", header.size(),
                                 kRocketmqHeaderFixedBytes));
  }
  ByteReader r(header);
  cmd.code = r.i16();  // Java: getShort, so codes above 32767 arrive negative
  cmd.language = static_cast<LanguageCode>(r.u8());
  cmd.version = r.i16();
  cmd.opaque = r.i32();
  cmd.flag = r.i32();

  // A zero length means null (Java never distinguishes null from "" here).
  const std::int32_t remark_len = r.i32();
  if (remark_len < 0 || static_cast<std::size_t>(remark_len) > r.remaining()) {
    return malformed(fmt::format("remark length {} runs past the header", remark_len));
  }
  if (remark_len > 0) {
    cmd.remark.emplace(r.string(static_cast<std::size_t>(remark_len)));
  } else {
    cmd.remark.reset();
  }

  const std::int32_t ext_len = r.i32();
  if (!r.ok() || ext_len < 0 || static_cast<std::size_t>(ext_len) > r.remaining()) {
    return malformed(fmt::format("extFields length {} runs past the header", ext_len));
  }
  cmd.ext_fields.clear();
  cmd.has_ext_fields = ext_len > 0;
  if (ext_len > 0) RINGMQ_TRY(decode_ext_block(r.bytes(static_cast<std::size_t>(ext_len)), cmd.ext_fields));
  // Bytes after the extFields block are ignored, as Java ignores them.
  return {};
}

Status check_rocketmq_encodable(const RemotingCommand& cmd) {
  if (cmd.code < kInt16Min || cmd.code > kInt16Max) {
    return make_error(Errc::invalid_argument,
                      fmt::format("code {} does not fit a ROCKETMQ header; use JSON", cmd.code));
  }
  if (cmd.version < kInt16Min || cmd.version > kInt16Max) {
    return make_error(Errc::invalid_argument, fmt::format("version {} does not fit int16", cmd.version));
  }
  for (const auto& entry : cmd.ext_fields.entries()) {
    if (entry.first.size() > static_cast<std::size_t>(kInt16Max)) {
      return make_error(Errc::invalid_argument, "an extFields key is longer than 32767 bytes");
    }
  }
  return {};
}

void encode_rocketmq_header(const RemotingCommand& cmd, std::string& out) {
  std::size_t bytes = kRocketmqHeaderFixedBytes + (cmd.remark ? cmd.remark->size() : 0);
  for (const auto& [key, value] : cmd.ext_fields.entries()) bytes += 2 + key.size() + 4 + value.size();
  out.reserve(out.size() + bytes);
  ByteWriter w(out);
  w.i16(static_cast<std::int16_t>(cmd.code));
  w.u8(static_cast<std::uint8_t>(cmd.language));
  w.i16(static_cast<std::int16_t>(cmd.version));
  w.i32(cmd.opaque);
  w.i32(cmd.flag);
  if (cmd.remark && !cmd.remark->empty()) {
    w.u32(static_cast<std::uint32_t>(cmd.remark->size()));
    w.bytes(*cmd.remark);
  } else {
    w.u32(0);
  }
  const std::size_t ext_len_pos = w.size();
  w.u32(0);
  for (const auto& [key, value] : cmd.ext_fields.entries()) {
    w.i16(static_cast<std::int16_t>(key.size()));
    w.bytes(key);
    w.u32(static_cast<std::uint32_t>(value.size()));
    w.bytes(value);
  }
  w.patch_u32(ext_len_pos, static_cast<std::uint32_t>(w.size() - ext_len_pos - 4));
}

}  // namespace ringmq::remoting::detail
