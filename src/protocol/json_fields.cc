#include "protocol/json_fields.h"

#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "protocol/fastjson.h"

namespace ringmq::protocol::json {

Error malformed(std::string detail) { return make_error(Errc::malformed, std::move(detail)); }

Result<std::optional<std::int64_t>> optional_int64(dom::object obj, std::string_view key) {
  dom::element value;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null()) return std::optional<std::int64_t>{};
  std::int64_t n = 0;
  if (value.get_int64().get(n) != simdjson::SUCCESS) return malformed(fmt::format("\"{}\" is not an integer", key));
  return std::optional<std::int64_t>{n};
}

Status read_int64(dom::object obj, std::string_view key, std::int64_t& out) {
  RINGMQ_TRY_ASSIGN(const std::optional<std::int64_t> n, optional_int64(obj, key));
  if (n) out = *n;
  return {};
}

Status read_int32(dom::object obj, std::string_view key, std::int32_t& out) {
  RINGMQ_TRY_ASSIGN(const std::optional<std::int64_t> n, optional_int64(obj, key));
  if (!n) return {};
  if (*n < std::numeric_limits<std::int32_t>::min() || *n > std::numeric_limits<std::int32_t>::max()) {
    return malformed(fmt::format("\"{}\" is out of int range", key));
  }
  out = static_cast<std::int32_t>(*n);
  return {};
}

Status read_bool(dom::object obj, std::string_view key, bool& out) {
  dom::element value;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null()) return {};
  if (value.get_bool().get(out) != simdjson::SUCCESS) return malformed(fmt::format("\"{}\" is not a boolean", key));
  return {};
}

Status read_string(dom::object obj, std::string_view key, std::string& out) {
  dom::element value;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null()) return {};
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) return malformed(fmt::format("\"{}\" is not a string", key));
  out.assign(s);
  return {};
}

Result<dom::object> parse_object(dom::parser& parser, std::string_view text, std::string_view what) {
  const std::string quoted = quote_numeric_keys(text);
  dom::object root;
  if (parser.parse(quoted.data(), quoted.size()).get_object().get(root) != simdjson::SUCCESS) {
    return malformed(fmt::format("{}: not a JSON object", what));
  }
  return root;
}

Status read_int_map(dom::object obj, std::map<std::int32_t, std::int64_t>& out, std::string_view what) {
  for (auto field : obj) {
    std::int32_t k = 0;
    std::int64_t v = 0;
    const std::string_view key = field.key;
    const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), k);
    if (ec != std::errc() || end != key.data() + key.size() || field.value.get_int64().get(v) != simdjson::SUCCESS) {
      return malformed(fmt::format("{}: bad entry '{}'", what, key));
    }
    out[k] = v;
  }
  return {};
}

}  // namespace ringmq::protocol::json
