// SQL92 selectors against property sets: the results RocketMQ 4.9.4's filter module gives
// (T true, F false, N null, E evaluation error; only T matches a message).
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>
#include <string_view>

#include "filter/sql_expression.h"

using namespace ringmq::filter;

namespace {

// "a=1;b=x" -> {a: "1", b: "x"}.
std::map<std::string, std::string> props_of(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find(';'), text.size());
    const std::string_view pair = text.substr(0, end);
    const std::size_t eq = pair.find('=');
    out.emplace(std::string(pair.substr(0, eq)), std::string(pair.substr(eq + 1)));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return out;
}

char outcome(std::string_view expression, std::string_view properties) {
  auto compiled = compile_sql92(expression);
  REQUIRE_MESSAGE(compiled.ok(), std::string(expression));
  const auto props = props_of(properties);
  const PropertyLookup lookup = [&props](std::string_view name) -> std::optional<std::string_view> {
    auto it = props.find(std::string(name));
    if (it == props.end()) return std::nullopt;
    return std::string_view(it->second);
  };
  const Value v = compiled->evaluate(lookup);
  CHECK(compiled->matches(lookup) == (v.kind == ValueKind::boolean && v.b));
  switch (v.kind) {
    case ValueKind::boolean: return v.b ? 'T' : 'F';
    case ValueKind::null: return 'N';
    case ValueKind::error: return 'E';
    default: return '?';
  }
}

struct Row {
  const char* expression;
  const char* properties;
  char expected;
};

}  // namespace

TEST_CASE("sql92: the truth table of RocketMQ 4.9.4's selectors") {
  const Row rows[] = {
      // equality: a property string against an int literal converts the string (Integer.valueOf)
      {"a = 10", "a=10", 'T'},
      {"a = 10", "a=11", 'F'},
      {"a = 10", "a=abc", 'E'},
      {"a = 10", "", 'N'},
      {"10 = a", "", 'F'},         // null on the right only is FALSE, on the left only is null
      {"a <> 10", "", 'N'},
      {"10 <> a", "", 'T'},
      {"a <> 10", "a=11", 'T'},
      {"a = 'abc'", "a=abc", 'T'},
      {"a = 'abc'", "a=abd", 'F'},
      {"a = 'it''s'", "a=it's", 'T'},
      {"a = b", "a=1.0;b=1", 'F'},  // two strings are compared as strings by '='
      {"a = 1.0", "a=1", 'T'},
      {"a = 1", "a=1.0", 'E'},      // Integer.valueOf("1.0") throws
      {"a = TRUE", "a=TRUE", 'T'},
      {"a = TRUE", "a=yes", 'F'},
      {"TRUE = a", "a=true", 'E'},  // Java casts the Boolean to String: ClassCastException
      {"1 = 1", "", 'T'},
      {"1 = 1.0", "", 'T'},
      {"'a' = 'a'", "", 'T'},
      {"A = 1", "a=1", 'N'},        // property names are case-sensitive
      // ordering
      {"a > 5", "a=10", 'T'},
      {"a > 5", "a=5", 'F'},
      {"a >= 5", "a=5", 'T'},
      {"a < 5", "a=4", 'T'},
      {"a <= 5", "a=6", 'F'},
      {"a > 5", "a=10.5", 'E'},
      {"a > 5.0", "a=10.5", 'T'},
      {"a > 5", "a=3000000000", 'E'},        // does not fit the Integer literal's type
      {"a > 3000000000", "a=3000000001", 'T'},  // a Long literal
      {"a > 5", "", 'N'},
      {"a > 5", "a=abc", 'E'},
      {"a > b", "a=2;b=10", 'F'},            // two strings are ordered as doubles
      {"a > b", "a=x;b=1", 'E'},
      {"a > -5", "a=-3", 'T'},
      {"a = -2147483648", "a=-2147483648", 'T'},
      {"-a < 0", "a=5", 'N'},                // negating a string is null
      {"a > 1e3", "a=1001", 'T'},
      {"a < .5", "a=0.25", 'T'},
      {"a > 5", "a= 10", 'E'},               // Integer.valueOf does not trim
      {"a > 5.0", "a= 10 ", 'T'},            // Double.valueOf does
      // BETWEEN
      {"a BETWEEN 1 AND 20", "a=10", 'T'},
      {"a BETWEEN 1 AND 20", "a=20", 'T'},
      {"a BETWEEN 1 AND 20", "a=25", 'F'},
      {"a BETWEEN 1 AND 20", "", 'N'},
      {"a NOT BETWEEN 1 AND 20", "a=25", 'T'},
      {"a NOT BETWEEN 1 AND 20", "a=10", 'F'},
      {"a NOT BETWEEN 1 AND 20", "", 'N'},
      {"a BETWEEN 1.5 AND 2", "a=2", 'T'},
      {"a BETWEEN 1.5 AND 2", "a=1.7", 'E'},  // 1.7 <= 2 parses 1.7 as an Integer
      {"a BETWEEN 1 AND 20", "a=x", 'E'},
      // IN
      {"a IN ('x', 'y')", "a=x", 'T'},
      {"a IN ('x', 'y')", "a=z", 'F'},
      {"a IN ('x', 'y')", "", 'N'},
      {"a NOT IN ('x', 'y')", "a=z", 'T'},
      {"a NOT IN ('x', 'y')", "a=x", 'F'},
      {"a NOT IN ('x', 'y')", "", 'N'},
      {"a IN ('1','2','3','4','5','6')", "a=6", 'T'},
      // IS [NOT] NULL
      {"a IS NULL", "", 'T'},
      {"a IS NULL", "a=1", 'F'},
      {"a IS NOT NULL", "a=1", 'T'},
      {"a IS NOT NULL", "", 'F'},
      // logic, three-valued, left side decides alone
      {"a = 1 AND b = 2", "a=1;b=2", 'T'},
      {"a = 1 AND b = 2", "a=1", 'N'},
      {"a = 1 AND b = 2", "a=2", 'F'},
      {"a = 1 OR b = 2", "b=2", 'T'},
      {"a = 1 OR b = 2", "", 'N'},
      {"a = 1 OR b = 2", "a=3;b=3", 'F'},
      {"a = 'x' OR b > 1", "a=x;b=abc", 'T'},
      {"b > 1 OR a = 'x'", "a=x;b=abc", 'E'},
      {"a = 'y' AND b > 1", "a=x;b=abc", 'F'},
      {"NOT (a = 1)", "a=1", 'F'},
      {"NOT (a = 1)", "a=2", 'T'},
      {"NOT (a = 1)", "", 'N'},
      {"NOT a = 1", "a=1", 'F'},  // (NOT a) = 1: NOT binds tighter than '='
      {"NOT a = 1", "", 'N'},
      {"(a = 1 OR a = 2) AND b IS NULL", "a=2", 'T'},
      {"(a = 1 OR a = 2) AND b IS NULL", "a=2;b=0", 'F'},
      {"a >= 10 and a <= 10", "a=10", 'T'},  // keywords in any case
      {"a", "a=true", 'F'},                  // a bare property is never a Boolean
      {"a", "", 'N'},
      {"TRUE", "", 'T'},
      {"FALSE", "", 'F'},
      {"NULL", "", 'N'},
      {"TRUE AND NULL", "", 'N'},
      {"FALSE AND NULL", "", 'F'},
      {"TRUE OR NULL", "", 'T'},
      // comments and what follows a complete expression
      {"a = 1 /* c */ AND b = 2 -- end\n", "a=1;b=2", 'T'},
      {"a > 5 b", "a=10", 'T'},
  };
  for (const Row& r : rows) {
    CAPTURE(r.expression);
    CAPTURE(r.properties);
    CHECK(outcome(r.expression, r.properties) == r.expected);
  }
}

TEST_CASE("sql92: selectors RocketMQ refuses at compile time are refused") {
  const char* bad[] = {
      "",
      "a >",
      "a = NULL",          // NULL cannot be compared with '='
      "NULL = a",
      "a > 'x'",           // strings cannot be ordered
      "a > TRUE",
      "a > (b = 1)",
      "'x' IN ('a')",      // IN needs a property
      "a IN (1)",          // IN takes string literals
      "a IN ()",
      "a BETWEEN 5 AND 1", // bounds out of order
      "a BETWEEN NULL AND 1",
      "a BETWEEN 'a' AND 'b'",
      "1",                 // not a condition
      "'x'",
      "a = 1 AND 5",
      "TRUE = 1",
      "a = 0.0",           // 4.9.4 refuses float literals below Double.MIN_VALUE
      "a = 1e999",
      "a = 99999999999999999999",
      "a # 1",
      "a = 'unterminated",
      "(a = 1",
      "a IS 1",
      "a = 1 /* open",
      "a = \"x\"",
  };
  for (const char* text : bad) {
    CAPTURE(text);
    auto r = compile_sql92(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().detail.rfind("Invalid MessageSelector. ", 0) == 0);
  }
}

TEST_CASE("sql92: nesting and size are bounded, not a stack overflow") {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += '(';
  deep += "a = 1";
  for (int i = 0; i < 10000; ++i) deep += ')';
  auto r = compile_sql92(deep);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ringmq::Errc::too_large);

  std::string negations(100000, '-');
  CHECK_FALSE(compile_sql92(negations + "1 = a").ok());

  std::string chain = "a = 1";
  for (int i = 0; i < 300; ++i) chain += " AND a = 1";
  CHECK(compile_sql92(chain).error().code == ringmq::Errc::too_large);

  std::string fine = "a = 1";
  for (int i = 0; i < 100; ++i) fine += " OR a = " + std::to_string(i);
  CHECK(compile_sql92(fine).ok());
}

TEST_CASE("sql92: Java's number parsing rules") {
  CHECK(java_parse_int("+5") == 5);
  CHECK_FALSE(java_parse_int("2147483648").has_value());
  CHECK_FALSE(java_parse_int("").has_value());
  CHECK_FALSE(java_parse_int(" 1").has_value());
  CHECK(java_parse_long("-9223372036854775808") == INT64_MIN);
  CHECK(java_parse_double(" 1.5f ") == 1.5);
  CHECK(java_parse_double("1e3") == 1000.0);
  CHECK(java_parse_double("-Infinity") == -HUGE_VAL);
  CHECK_FALSE(java_parse_double("1,5").has_value());
  CHECK_FALSE(java_parse_double("inf").has_value());
  CHECK(java_parse_boolean("TrUe"));
  CHECK_FALSE(java_parse_boolean("1"));
}
