// RemotingCommand: one decoded RocketMQ remoting frame (request or response), independent of the
// serialization it arrived in. See ROCKETMQ-PROTOCOL.md §1.3.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ringmq::remoting {

enum class SerializeType : std::uint8_t { json = 0, rocketmq = 1 };

// LanguageCode bytes (§1.7). Unknown bytes from peers are kept as they are.
enum class LanguageCode : std::uint8_t {
  java = 0, cpp = 1, dotnet = 2, python = 3, delphi = 4, erlang = 5, ruby = 6,
  other = 7, http = 8, go = 9, php = 10, oms = 11, rust = 12, nodejs = 13,
};

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
