#include "filter/sql_value.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ringmq::filter {
namespace {

// Integer.parseInt's accepted shape: an optional sign and at least one ASCII digit, nothing else.
bool plain_integer(std::string_view text) {
  std::size_t i = 0;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) i = 1;
  if (i == text.size()) return false;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

template <typename T>
std::optional<T> parse_integer(std::string_view text) {
  if (!plain_integer(text)) return std::nullopt;
  if (text[0] == '+') text.remove_prefix(1);
  T v{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Double.compareTo: NaN is above everything and equal to itself; -0.0 is below 0.0.
int compare_double(double a, double b) {
  if (a < b) return -1;
  if (a > b) return 1;
  const bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  const bool as = std::signbit(a), bs = std::signbit(b);
  return as == bs ? 0 : (as ? -1 : 1);
}

int compare_same(const Value& lv, const Value& rv) {
  switch (lv.kind) {
    case ValueKind::boolean: return static_cast<int>(lv.b) - static_cast<int>(rv.b);
    case ValueKind::int32:
    case ValueKind::int64: return lv.i < rv.i ? -1 : (lv.i > rv.i ? 1 : 0);
    case ValueKind::float64: return compare_double(lv.d, rv.d);
    case ValueKind::string: {
      const int c = lv.s.compare(rv.s);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    default: return 0;
  }
}

// Converts `v`, a string, to the kind of `like`; nullopt where Java throws.
std::optional<Value> string_as(std::string_view v, ValueKind like) {
  switch (like) {
    case ValueKind::boolean: return Value::boolean(java_parse_boolean(v));
    case ValueKind::int32:
      if (auto x = java_parse_int(v)) return Value::int32(*x);
      return std::nullopt;
    case ValueKind::int64:
      if (auto x = java_parse_long(v)) return Value::int64(*x);
      return std::nullopt;
    case ValueKind::float64:
      if (auto x = java_parse_double(v)) return Value::float64(*x);
      return std::nullopt;
    default: return std::nullopt;
  }
}

double as_double(const Value& v) { return v.kind == ValueKind::float64 ? v.d : static_cast<double>(v.i); }

}  // namespace

std::optional<std::int32_t> java_parse_int(std::string_view text) { return parse_integer<std::int32_t>(text); }
std::optional<std::int64_t> java_parse_long(std::string_view text) { return parse_integer<std::int64_t>(text); }

std::optional<double> java_parse_double(std::string_view text) {
  // Double.valueOf trims chars <= ' ', takes an optional sign, "NaN", "Infinity", decimal or hex
  // floating literals with an optional f/F/d/D suffix.
  while (!text.empty() && static_cast<unsigned char>(text.front()) <= ' ') text.remove_prefix(1);
  while (!text.empty() && static_cast<unsigned char>(text.back()) <= ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::string_view body = text;
  bool negative = false;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "NaN") return std::nan("");
  if (body == "Infinity") return negative ? -HUGE_VAL : HUGE_VAL;
  if (!body.empty() && (body.back() == 'f' || body.back() == 'F' || body.back() == 'd' || body.back() == 'D')) {
    body.remove_suffix(1);
  }
  if (body.empty()) return std::nullopt;
  const bool hex = body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
  bool digit = false;
  for (std::size_t i = hex ? 2 : 0; i < body.size(); ++i) {
    const char c = body[i];
    const bool ok_dec = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
    const bool ok_hex = hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == 'p' || c == 'P');
    if (!ok_dec && !ok_hex) return std::nullopt;
    if (c >= '0' && c <= '9') digit = true;
  }
  if (!digit) return std::nullopt;
  if (hex && body.find_first_of("pP") == std::string_view::npos) return std::nullopt;  // Java needs the binary exponent
  const std::string copy(body);
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return negative ? -v : v;
}

bool java_parse_boolean(std::string_view text) { return equals_ignore_case(text, "true"); }

bool java_equals(const Value& lv, const Value& rv) {
  if (lv.kind != rv.kind) return false;
  switch (lv.kind) {
    case ValueKind::null: return true;
    case ValueKind::boolean: return lv.b == rv.b;
    case ValueKind::int32:
    case ValueKind::int64: return lv.i == rv.i;
    case ValueKind::float64: {
      std::uint64_t a, b;
      double x = std::isnan(lv.d) ? std::nan("") : lv.d, y = std::isnan(rv.d) ? std::nan("") : rv.d;
      std::memcpy(&a, &x, sizeof a);
      std::memcpy(&b, &y, sizeof b);
      return a == b;
    }
    case ValueKind::string: return lv.s == rv.s;
    case ValueKind::error: return false;
  }
  return false;
}

std::optional<int> java_compare(Value lv, Value rv) {
  if (lv.kind == rv.kind) return compare_same(lv, rv);
  switch (lv.kind) {
    case ValueKind::boolean:
      // Java casts the Boolean itself to String here: a ClassCastException.
      if (rv.kind == ValueKind::string) return std::nullopt;
      return -1;
    case ValueKind::int32:
    case ValueKind::int64:
      if (rv.kind == ValueKind::float64) return compare_double(as_double(lv), rv.d);
      if (rv.kind == ValueKind::int32 || rv.kind == ValueKind::int64) return compare_same(lv, Value::int64(rv.i));
      if (rv.kind == ValueKind::string) {
        auto r = string_as(rv.s, lv.kind);
        if (!r) return std::nullopt;
        return compare_same(lv, *r);
      }
      return -1;
    case ValueKind::float64:
      if (rv.kind == ValueKind::int32 || rv.kind == ValueKind::int64) return compare_double(lv.d, as_double(rv));
      if (rv.kind == ValueKind::string) {
        auto r = java_parse_double(rv.s);
        if (!r) return std::nullopt;
        return compare_double(lv.d, *r);
      }
      return -1;
    case ValueKind::string: {
      if (rv.kind == ValueKind::null || rv.kind == ValueKind::error) return -1;
      auto l = string_as(lv.s, rv.kind);
      if (!l) return std::nullopt;
      return compare_same(*l, rv);
    }
    default: return -1;
  }
}

}  // namespace ringmq::filter
