// RemotingCommand: one decoded RocketMQ remoting frame (request or response), independent of the
// serialization it arrived in. See docs/PROTOCOL.md §1.3.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace ringmq::remoting {

enum class SerializeType : std::uint8_t { json = 0, rocketmq = 1 };

// LanguageCode bytes (§1.7). Unknown bytes from peers are kept as they are.
enum class LanguageCode : std::uint8_t {
  java = 0, cpp = 1, dotnet = 2, python = 3, delphi = 4, erlang = 5, ruby = 6,
  other = 7, http = 8, go = 9, php = 10, oms = 11, rust = 12, nodejs = 13,
};

// The enum constant's Java name ("JAVA", "CPP", ..., "NODE_JS"), or "" for a byte Java does not
// know. JSON headers carry the name; ROCKETMQ headers the byte.
std::string_view language_name(LanguageCode code);
// The code for a Java name (exact, case-sensitive, as fastjson's enum parsing), or nullopt.
std::optional<LanguageCode> language_from_name(std::string_view name);

// The `version` ringmq puts in everything it sends: V4_9_4, the release the wire captures come from.
// Clients key behaviour off it (§1.8), e.g. SQL92 filtering needs >= V4_1_0.
inline constexpr std::int32_t kRingmqVersion = 401;

inline constexpr std::int32_t kFlagResponse = 0x1;
inline constexpr std::int32_t kFlagOneway = 0x2;

// The custom header: string keys to string values, in arrival order. Headers hold a dozen
// entries at most, so a flat vector beats a map for both lookup and encoding.
class ExtFields {
 public:
  // The value of `key`, or nullopt. If a key repeats, the last one wins (as in Java).
  std::optional<std::string_view> get(std::string_view key) const;
  // Replaces an existing value or appends a new entry.
  void set(std::string_view key, std::string_view value);
  bool contains(std::string_view key) const { return get(key).has_value(); }

  // Typed reads with the rules of RemotingCommand#decodeCommandCustomHeader (§1.11): numbers as
  // Integer.parseInt / Long.parseLong read them (optional sign, decimal digits, range-checked),
  // booleans as Boolean.parseBoolean ("true" in any case is true, anything else false).
  // Errors: not_found when the key is absent, malformed when the number does not parse.
  Result<std::string_view> get_string(std::string_view key) const;
  Result<std::int32_t> get_int32(std::string_view key) const;
  Result<std::int64_t> get_int64(std::string_view key) const;
  Result<bool> get_bool(std::string_view key) const;
  // Optional header fields: `fallback` when absent (Java leaves the field at its default), still
  // malformed when present but unparsable.
  Result<std::int32_t> get_int32_or(std::string_view key, std::int32_t fallback) const;
  Result<std::int64_t> get_int64_or(std::string_view key, std::int64_t fallback) const;
  bool get_bool_or(std::string_view key, bool fallback) const;

  // Typed writes: decimal text and "true"/"false", as Java renders header fields.
  void set_int(std::string_view key, std::int64_t value);
  void set_bool(std::string_view key, bool value);
  // Appends without looking for an existing key, for builders that know the key is new. (A
  // repeated key would be encoded twice; get() would see the last value.)
  void append(std::string_view key, std::string_view value) { entries_.emplace_back(key, value); }
  void reserve(std::size_t n) { entries_.reserve(n); }
  // Removes `key` if present; returns whether it was.
  bool erase(std::string_view key);
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

  using Entry = std::pair<std::string, std::string>;
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

struct RemotingCommand {
  std::int32_t code = 0;
  LanguageCode language = LanguageCode::cpp;
  std::int32_t version = kRingmqVersion;
  std::int32_t opaque = 0;
  std::int32_t flag = 0;
  std::optional<std::string> remark;  // absent (null) differs from "" only in JSON output
  ExtFields ext_fields;
  // JSON only: whether "extFields" was present (Java omits it when null). Encoders write it when
  // this is set or the map is non-empty.
  bool has_ext_fields = false;
  SerializeType serialize_type = SerializeType::json;
  std::string body;  // raw bytes; empty = no body

  bool is_response() const { return (flag & kFlagResponse) != 0; }
  bool is_oneway() const { return (flag & kFlagOneway) != 0; }

  // A request with a fresh header; the caller sets opaque (the connection's counter).
  static RemotingCommand request(std::int32_t code, SerializeType type = SerializeType::json);
  // A response to `req`: same opaque and serialize type, RESPONSE flag set, our language/version.
  static RemotingCommand response_to(const RemotingCommand& req, std::int32_t code,
                                     std::optional<std::string> remark = std::nullopt);
};

}  // namespace ringmq::remoting
