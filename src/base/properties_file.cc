#include "base/properties_file.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace ringmq {
namespace {
std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\f");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\f");
  return s.substr(first, last - first + 1);
}
}  // namespace

Result<Properties> parse_properties(std::string_view text) {
  Properties out;
  int line_number = 0;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    ++line_number;
    if (line.empty() || line[0] == '#' || line[0] == '!') continue;
    if (line.back() == '\\') {
      return make_error(Errc::unsupported, fmt::format("line {}: line continuations are not supported", line_number));
    }
    const auto sep = line.find_first_of("=:");
    if (sep == std::string_view::npos) {
      return make_error(Errc::malformed, fmt::format("line {}: expected key=value, got '{}'", line_number, line));
    }
    std::string_view key = trim(line.substr(0, sep));
    if (key.empty()) return make_error(Errc::malformed, fmt::format("line {}: empty key", line_number));
    out.emplace_back(std::string(key), std::string(trim(line.substr(sep + 1))));
  }
  return out;
}

Result<Properties> read_properties_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_sys_error(errno, "open " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto parsed = parse_properties(buffer.str());
  if (!parsed.ok()) {
    Error e = parsed.take_error();
    e.detail = path + ": " + e.detail;
    return e;
  }
  return parsed;
}

}  // namespace ringmq
