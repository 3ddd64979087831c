// Reading what fastjson (RocketMQ's JSON library) writes that standard JSON parsers reject, the one
// reader of it for the broker, the client and the admin tool. fastjson's default output is not
// always standard JSON:
//   - Map<Integer/Long,..> keys are bare numbers ({0:"addr"}, {0:12});
//   - Map<MessageQueue,..> keys are objects ({{"brokerName":"b","queueId":0,"topic":"t"}:{...}}).
// Two ways in:
//   - parse_fastjson: a small tree where an object member's key is any value. For admin replies and
//     other small bodies (kilobytes), where a tree is cheap (protocol/message_queue.h reads
//     MessageQueue keys from it).
//   - quote_numeric_keys: the text with bare integer keys quoted, for the simdjson decoders of
//     larger bodies and files (routes, offsets). It is one linear pass that builds no tree, because
//     a slave decodes the master's consumerOffset.json (up to kConsumerOffsetEntriesMax entries) on
//     core 0 at every sync; it does not read MessageQueue keys.
// Pure functions over values: any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmq::protocol {

// Nesting deeper than this is refused (a hostile body cannot exhaust the stack).
inline constexpr int kJsonDepthMax = 64;

struct JsonMember;

struct JsonValue {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  std::string text;  // a string's value, or a number's literal
  std::vector<JsonValue> items;
  // An object's members in text order. A named struct, not std::pair: a pair of an incomplete type
  // cannot be instantiated here (clang with libstdc++ refuses it).
  std::vector<JsonMember> members;

  bool is_object() const { return kind == Kind::object; }
  bool is_array() const { return kind == Kind::array; }
  // The member whose key is the string or number `key`, or nullptr.
  const JsonValue* get(std::string_view key) const;
  // Typed reads of a member; the fallback when absent or of another kind.
  std::string str(std::string_view key, std::string_view fallback = {}) const;
  std::int64_t int64(std::string_view key, std::int64_t fallback = 0) const;
  double number(std::string_view key, double fallback = 0) const;
  bool flag(std::string_view key, bool fallback = false) const;
  // This value as text (strings unquoted, numbers as written, true/false, "" for null).
  std::string as_text() const;
  std::int64_t as_int64() const;
};

struct JsonMember {
  JsonValue key;  // a string or, in fastjson's maps, a number or an object
  JsonValue value;
};

// Errors: malformed (with the byte offset), too_large (nesting over kJsonDepthMax).
Result<JsonValue> parse_fastjson(std::string_view text);

// Quotes every bare integer object key ({0:"a"} -> {"0":"a"}) and leaves strings and values alone,
// so simdjson accepts the text. Standard JSON passes through unchanged.
std::string quote_numeric_keys(std::string_view json);

}  // namespace ringmq::protocol
