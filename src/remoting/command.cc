#include "remoting/command.h"

#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "remoting/header_codec.h"

namespace ringmq::remoting {
namespace {

// Java's Integer.parseInt / Long.parseLong: an optional '+' or '-', then one or more ASCII digits,
// nothing else (no spaces, no hex, no decimal point), and the value must fit the type.
template <typename Int>
bool parse_java_integer(std::string_view text, Int& out) {
  if (text.empty()) return false;
  bool negative = false;
  if (text.front() == '+' || text.front() == '-') {
    negative = text.front() == '-';
    text.remove_prefix(1);
    if (text.empty()) return false;
  }
  // from_chars on the magnitude as unsigned, so "-2147483648" parses without overflow games.
  using Unsigned = std::make_unsigned_t<Int>;
  Unsigned magnitude = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, magnitude, 10);
  if (ec != std::errc{} || ptr != end) return false;
  constexpr auto kMax = static_cast<Unsigned>(std::numeric_limits<Int>::max());
  if (negative) {
    if (magnitude > kMax + 1) return false;
    out = static_cast<Int>(Unsigned{0} - magnitude);
  } else {
    if (magnitude > kMax) return false;
    out = static_cast<Int>(magnitude);
  }
  return true;
}

bool equals_ignore_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

Error missing(std::string_view key) {
  return make_error(Errc::not_found, fmt::format("header field '{}' is missing", key));
}

template <typename Int>
Result<Int> parse_field(std::string_view key, std::string_view text, const char* type_name) {
  Int value = 0;
  if (!parse_java_integer(text, value)) {
    return make_error(Errc::malformed, fmt::format("header field '{}' = '{}' is not an {}", key,
                                                   text.substr(0, 64), type_name));
  }
  return value;
}

// Indexed by the LanguageCode byte (§1.7).
constexpr std::string_view kLanguageNames[] = {
    "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY",
    "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST", "NODE_JS",
};

}  // namespace

namespace detail {
bool parse_java_int32(std::string_view text, std::int32_t& out) { return parse_java_integer(text, out); }
bool parse_java_int64(std::string_view text, std::int64_t& out) { return parse_java_integer(text, out); }
}  // namespace detail

std::string_view language_name(LanguageCode code) {
  const auto index = static_cast<std::size_t>(code);
  return index < std::size(kLanguageNames) ? kLanguageNames[index] : std::string_view();
}

std::optional<LanguageCode> language_from_name(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kLanguageNames); ++i) {
    if (kLanguageNames[i] == name) return static_cast<LanguageCode>(i);
  }
  return std::nullopt;
}

std::optional<std::string_view> ExtFields::get(std::string_view key) const {
  // Backwards, so that after an append() of a repeated key the last value wins, as in Java.
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->first == key) return std::string_view(it->second);
  }
  return std::nullopt;
}

void ExtFields::set(std::string_view key, std::string_view value) {
  for (auto& entry : entries_) {
    if (entry.first == key) {
      entry.second.assign(value);
      return;
    }
  }
  entries_.emplace_back(key, value);
}

bool ExtFields::erase(std::string_view key) {
  const auto before = entries_.size();
  std::erase_if(entries_, [key](const Entry& e) { return e.first == key; });
  return entries_.size() != before;
}

Result<std::string_view> ExtFields::get_string(std::string_view key) const {
  auto v = get(key);
  if (!v) return missing(key);
  return *v;
}

Result<std::int32_t> ExtFields::get_int32(std::string_view key) const {
  auto v = get(key);
  if (!v) return missing(key);
  return parse_field<std::int32_t>(key, *v, "int32");
}

Result<std::int64_t> ExtFields::get_int64(std::string_view key) const {
  auto v = get(key);
  if (!v) return missing(key);
  return parse_field<std::int64_t>(key, *v, "int64");
}

Result<bool> ExtFields::get_bool(std::string_view key) const {
  auto v = get(key);
  if (!v) return missing(key);
  return equals_ignore_ascii_case(*v, "true");
}

Result<std::int32_t> ExtFields::get_int32_or(std::string_view key, std::int32_t fallback) const {
  auto v = get(key);
  if (!v) return fallback;
  return parse_field<std::int32_t>(key, *v, "int32");
}

Result<std::int64_t> ExtFields::get_int64_or(std::string_view key, std::int64_t fallback) const {
  auto v = get(key);
  if (!v) return fallback;
  return parse_field<std::int64_t>(key, *v, "int64");
}

bool ExtFields::get_bool_or(std::string_view key, bool fallback) const {
  auto v = get(key);
  if (!v) return fallback;
  return equals_ignore_ascii_case(*v, "true");
}

void ExtFields::set_int(std::string_view key, std::int64_t value) {
  char buf[24];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
  RINGMQ_ASSERT(ec == std::errc{});
  set(key, std::string_view(buf, static_cast<std::size_t>(ptr - buf)));
}

void ExtFields::set_bool(std::string_view key, bool value) { set(key, value ? "true" : "false"); }

RemotingCommand RemotingCommand::request(std::int32_t code, SerializeType type) {
  RemotingCommand cmd;
  cmd.code = code;
  cmd.serialize_type = type;
  // Requests carry an extFields map even when empty ({} in JSON, as in Appendix B.1): every peer
  // accepts it, and handlers that add header fields need not remember to set the flag.
  cmd.has_ext_fields = true;
  return cmd;
}

RemotingCommand RemotingCommand::response_to(const RemotingCommand& req, std::int32_t code,
                                             std::optional<std::string> remark) {
  RemotingCommand cmd;
  cmd.code = code;
  cmd.opaque = req.opaque;
  cmd.flag = kFlagResponse;
  cmd.serialize_type = req.serialize_type;
  cmd.remark = std::move(remark);
  return cmd;
}

}  // namespace ringmq::remoting
