#include "remoting/message_properties.h"

namespace ringmq::remoting {
namespace {

// Calls fn(name, value) for every segment Java's string2messageProperties keeps, in order.
template <typename Fn>
void for_each_property(std::string_view text, Fn&& fn) {
  std::size_t index = 0;
  while (index < text.size()) {
    std::size_t end = text.find(property::kPropertySeparator, index);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view segment = text.substr(index, end - index);
    const std::size_t sep = segment.find(property::kNameValueSeparator);
    // Non-empty name (sep > 0) and non-empty value (sep < size - 1), as Java checks.
    if (sep != std::string_view::npos && sep > 0 && sep + 1 < segment.size()) {
      fn(segment.substr(0, sep), segment.substr(sep + 1));
    }
    index = end + 1;
  }
}

}  // namespace

MessageProperties MessageProperties::decode(std::string_view text) {
  MessageProperties props;
  for_each_property(text, [&props](std::string_view name, std::string_view value) { props.set(name, value); });
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

std::optional<std::string_view> find_property(std::string_view text, std::string_view name) {
  std::optional<std::string_view> found;
  for_each_property(text, [&](std::string_view n, std::string_view v) {
    if (n == name) found = v;
  });
  return found;
}

}  // namespace ringmq::remoting
