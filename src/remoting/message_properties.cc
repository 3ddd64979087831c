#include "remoting/message_properties.h"

namespace ringmq::remoting {

MessageProperties MessageProperties::decode(std::string_view text) {
  MessageProperties props;
  protocol::for_each_property(text, [&props](std::string_view name, std::string_view value) { props.set(name, value); });
  return props;
}

std::optional<std::string_view> MessageProperties::get(std::string_view name) const {
  for (const auto& entry : entries_) {
    if (entry.first == name) return std::string_view(entry.second);
  }
  return std::nullopt;
}

void MessageProperties::set(std::string_view name, std::string_view value) {
  for (auto& entry : entries_) {
    if (entry.first == name) {
      entry.second.assign(value);
      return;
    }
  }
  // A message usually carries a handful (WAIT, TAGS, KEYS, UNIQ_KEY): start with room for them
  // rather than growing through 1, 2 and 4.
  if (entries_.empty()) entries_.reserve(kPropertiesReserve);
  entries_.emplace_back(name, value);
}

bool MessageProperties::erase(std::string_view name) {
  const auto before = entries_.size();
  std::erase_if(entries_, [name](const Entry& e) { return e.first == name; });
  return entries_.size() != before;
}

void MessageProperties::encode(std::string& out, bool trailing_separator) const {
  bool first = true;
  for (const auto& [name, value] : entries_) {
    if (!first) out.push_back(property::kPropertySeparator);
    first = false;
    out.append(name);
    out.push_back(property::kNameValueSeparator);
    out.append(value);
  }
  if (trailing_separator && !entries_.empty()) out.push_back(property::kPropertySeparator);
}

std::string MessageProperties::encode(bool trailing_separator) const {
  std::string out;
  encode(out, trailing_separator);
  return out;
}

}  // namespace ringmq::remoting
