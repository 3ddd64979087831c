// The two header serializations behind codec.h (internal to the remoting module).
//   json_header.cc      JSON, as fastjson writes it and as every client dialect sends it (§1.4, §15)
//   rocketmq_header.cc  ROCKETMQ binary (§1.5)
// Decoders fill `cmd`'s header fields (not body, not serialize_type) and overwrite whatever was
// there, so a caller may reuse one command (and its ext_fields capacity) across frames.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "remoting/command.h"

namespace ringmq::remoting::detail {

Status decode_json_header(Bytes header, RemotingCommand& cmd);
void encode_json_header(const RemotingCommand& cmd, std::string& out);

// Size of the fixed part of a ROCKETMQ header: code 2, language 1, version 2, opaque 4, flag 4,
// remark length 4, extFields length 4.
inline constexpr std::size_t kRocketmqHeaderFixedBytes = 21;

Status decode_rocketmq_header(Bytes header, RemotingCommand& cmd);
void encode_rocketmq_header(const RemotingCommand& cmd, std::string& out);
// What encode_rocketmq_header cannot represent (code or version outside int16, a key longer than
// int16): Java silently truncates these; we refuse to send them.
Status check_rocketmq_encodable(const RemotingCommand& cmd);

// Java's Integer.parseInt / Long.parseLong: optional sign, ASCII digits only, range-checked.
bool parse_java_int32(std::string_view text, std::int32_t& out);
bool parse_java_int64(std::string_view text, std::int64_t& out);

// Adds decoded entries to an ExtFields with HashMap.put semantics (a repeated key keeps one entry,
// the last value) without scanning the entries on every insert: a 64-bit filter of the keys seen
// so far sends only possible repeats (rare) down the scanning path. Lives for one decode.
class ExtFieldsFiller {
 public:
  explicit ExtFieldsFiller(ExtFields& fields) : fields_(fields) {}

  void put(std::string_view key, std::string_view value) {
    const std::uint64_t bit = std::uint64_t{1} << filter_slot(key);
    if ((seen_ & bit) != 0) {
      fields_.set(key, value);
    } else {
      seen_ |= bit;
      fields_.append(key, value);
    }
  }

 private:
  // 0..63 from the length and the first and last bytes (header keys differ there: "a".."n",
  // "topic", "queueId"), mixed by a multiply and fold (the single-letter V2 keys all get
  // distinct slots).
  static unsigned filter_slot(std::string_view key) {
    if (key.empty()) return 0;
    std::uint64_t x = key.size() | std::uint64_t{static_cast<unsigned char>(key.front())} << 8 |
                      std::uint64_t{static_cast<unsigned char>(key.back())} << 16;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 32;
    return static_cast<unsigned>(x & 63);
  }

  ExtFields& fields_;
  std::uint64_t seen_ = 0;
};

// Appends the decimal text of `v` (no allocation beyond `out`'s growth).
void append_decimal(std::string& out, std::int64_t v);

}  // namespace ringmq::remoting::detail
