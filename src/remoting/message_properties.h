// The message properties string (docs/PROTOCOL.md §4.2): `name 0x01 value 0x02` per pair.
// It travels in the send header (`properties` / `i`), inside batch bodies and in stored records.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/properties.h"
#include "remoting/message_const.h"

namespace ringmq::remoting {

using protocol::kPropertiesBytesMax;  // the caller checks; decoding accepts any length

// Properties as an ordered flat list (a message has a handful, so a vector beats a map). Entries
// keep the order they were decoded or set in; Java uses a HashMap, so order carries no meaning.
// Values are never null: Java's encoder skips null values, so there is nothing to represent.
// Entries reserved on the first set() (not a limit).
inline constexpr std::size_t kPropertiesReserve = 4;

class MessageProperties {
 public:
  // Java's MessageDecoder#string2messageProperties (protocol::for_each_property): never fails. A
  // name that repeats keeps its last value.
  static MessageProperties decode(std::string_view text);

  std::optional<std::string_view> get(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }
  // Replaces an existing value or appends.
  void set(std::string_view name, std::string_view value);
  // Removes `name` if present; returns whether it was.
  bool erase(std::string_view name);
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

  using Entry = std::pair<std::string, std::string>;
  const std::vector<Entry>& entries() const { return entries_; }

  // Java 4.9.4+ messageProperties2String: every pair followed by 0x02 except the last (what the
  // broker stores and Java producers send). `trailing_separator` also ends the last pair with 0x02
  // (what older Java, ali-ons and the C++ client send). Empty properties encode as "".
  void encode(std::string& out, bool trailing_separator = false) const;
  std::string encode(bool trailing_separator = false) const;

 private:
  std::vector<Entry> entries_;
};

// The value of `name` in an encoded properties string, found without decoding the rest (same
// rules as decode, last occurrence wins): one definition for broker, store and client.
using protocol::find_property;

}  // namespace ringmq::remoting
