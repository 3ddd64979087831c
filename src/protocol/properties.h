// The message properties string (docs/PROTOCOL.md §4.2): `name 0x01 value 0x02` per pair. It
// travels in the send header, inside batch bodies and in stored records; the broker, the store
// (TAGS hash, index keys) and the client all read it with the rules below, so they agree on what
// a message's properties are.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ringmq::protocol {

inline constexpr char kNameValueSeparator = '\x01';
inline constexpr char kPropertySeparator = '\x02';
// A stored record holds the properties behind an int16 length, so longer strings are
// MESSAGE_ILLEGAL on send.
inline constexpr std::size_t kPropertiesBytesMax = 32767;

// Calls fn(name, value) for every segment Java's MessageDecoder#string2messageProperties keeps,
// in order: segments split at 0x02 (a missing final 0x02 is fine), kept only if the first 0x01 has
// a non-empty name before it and a non-empty value after it (the value may hold further 0x01).
template <typename Fn>
void for_each_property(std::string_view text, Fn&& fn) {
  std::size_t index = 0;
  while (index < text.size()) {
    std::size_t end = text.find(kPropertySeparator, index);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view segment = text.substr(index, end - index);
    const std::size_t sep = segment.find(kNameValueSeparator);
    if (sep != std::string_view::npos && sep > 0 && sep + 1 < segment.size()) {
      fn(segment.substr(0, sep), segment.substr(sep + 1));
    }
    index = end + 1;
  }
}

// The value of `name`, found without decoding the rest. Java reads properties into a HashMap, so
// a name that repeats keeps its LAST value; so does this.
std::optional<std::string_view> find_property(std::string_view text, std::string_view name);

}  // namespace ringmq::protocol
