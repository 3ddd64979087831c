// The values a RocketMQ SQL92 filter computes with, and the Java rules it compares them by
// (ComparisonExpression.__compare with string conversion on, as SelectorParser.parse sets it).
// A message property is always a string; literals are int (Java Integer), long, double, boolean,
// string or NULL. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ringmq::filter {

// `error` stands for a Java exception thrown while evaluating: it ends the evaluation and the
// message does not match (ExpressionMessageFilter logs it and answers false).
enum class ValueKind : std::uint8_t { null, boolean, int32, int64, float64, string, error };

struct Value {
  ValueKind kind = ValueKind::null;
  bool b = false;
  std::int64_t i = 0;  // int32 and int64
  double d = 0.0;
  std::string_view s;  // points into the expression or the message's properties

  static Value null() { return {}; }
  static Value error() { return of(ValueKind::error); }
  static Value boolean(bool v) { Value x = of(ValueKind::boolean); x.b = v; return x; }
  static Value int32(std::int32_t v) { Value x = of(ValueKind::int32); x.i = v; return x; }
  static Value int64(std::int64_t v) { Value x = of(ValueKind::int64); x.i = v; return x; }
  static Value float64(double v) { Value x = of(ValueKind::float64); x.d = v; return x; }
  static Value string(std::string_view v) { Value x = of(ValueKind::string); x.s = v; return x; }
  static Value of(ValueKind k) { Value x; x.kind = k; return x; }

  bool is_number() const { return kind == ValueKind::int32 || kind == ValueKind::int64 || kind == ValueKind::float64; }
};

// Java's Integer.valueOf / Long.valueOf / Double.valueOf / Boolean.valueOf of a string; nullopt
// where Java throws NumberFormatException.
std::optional<std::int32_t> java_parse_int(std::string_view text);
std::optional<std::int64_t> java_parse_long(std::string_view text);
std::optional<double> java_parse_double(std::string_view text);
bool java_parse_boolean(std::string_view text);

// lv.equals(rv) in Java (same class and same value; doubles by bit pattern as Double.equals).
bool java_equals(const Value& lv, const Value& rv);

// __compare(lv, rv, true): converts across types as Java does and answers <0, 0, >0; -1 where
// Java gives up on unrelated types; nullopt where Java throws (a string that does not parse as
// the other side's number). Both values are non-null and not errors.
std::optional<int> java_compare(Value lv, Value rv);

}  // namespace ringmq::filter
