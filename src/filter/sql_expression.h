// A compiled RocketMQ SQL92 message selector (filter module of RocketMQ 4.9.4: SelectorParser,
// ComparisonExpression, LogicExpression, UnaryExpression), evaluated against one message's
// properties as the broker's ExpressionMessageFilter does on pull.
//
// Grammar (keywords case-insensitive; text after a complete expression is ignored, as the Java
// parser ignores it, once the next token lexes):
//   or      := and (OR and)*
//   and     := equal (AND equal)*
//   equal   := compare ( '=' compare | '<>' compare | IS NULL | IS NOT NULL )*
//   compare := unary ( ('>'|'>='|'<'|'<=') unary | [NOT] BETWEEN unary AND unary
//                    | [NOT] IN '(' string (',' string)* ')' )*
//   unary   := '+' unary | '-' unary | NOT unary | literal | identifier | '(' or ')'
// Three-valued logic: a missing property is null, a comparison with null is null, and a message
// matches only when the whole expression is TRUE. An evaluation error (a string that does not
// parse as the number it is compared with) makes the message not match.
//
// An Expression is immutable after compile: share it across cores by const reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "filter/sql_value.h"

namespace ringmq::filter {

inline constexpr std::string_view kExpressionTypeSql92 = "SQL92";
// Limits on what compile accepts; evaluation recurses at most kTreeDepthMax deep.
inline constexpr std::size_t kExpressionBytesMax = 64 * 1024;
inline constexpr std::size_t kTreeDepthMax = 256;
inline constexpr std::size_t kNodesMax = 8192;

enum class Op : std::uint8_t {
  constant,
  property,
  negate,        // unary minus
  boolean_cast,  // a bare property used as a condition
  logical_not,
  logical_and,
  logical_or,
  equal,
  greater,
  greater_equal,
  less,
  less_equal,
  in,
  not_in,
};

struct Node {
  Op op = Op::constant;
  std::int32_t left = -1;   // child index (the only child of unary nodes)
  std::int32_t right = -1;
  Value constant;           // Op::constant; strings point into `text`
  std::string text;         // property name or string constant
  std::vector<std::string> in_list;
  std::uint16_t depth = 1;  // of the subtree rooted here

  Node() = default;
  explicit Node(Op o, std::int32_t l = -1, std::int32_t r = -1) : op(o), left(l), right(r) {}
};

// Returns the property's value, or nullopt when the message does not carry it.
using PropertyLookup = std::function<std::optional<std::string_view>(std::string_view name)>;

class Expression {
 public:
  // True only when the expression evaluates to TRUE for these properties.
  bool matches(const PropertyLookup& lookup) const;
  // The raw three-valued result (null, boolean or error), for tests.
  Value evaluate(const PropertyLookup& lookup) const;

  const std::vector<Node>& nodes() const { return nodes_; }
  std::int32_t root() const { return root_; }

 private:
  friend class Parser;
  Value eval(std::int32_t index, const PropertyLookup& lookup) const;
  Value eval_comparison(const Node& n, const PropertyLookup& lookup) const;

  std::vector<Node> nodes_;
  std::int32_t root_ = -1;
};

// Compiles a selector. Errors (Errc::malformed, detail begins "Invalid MessageSelector. "): a
// lexical or syntax error, or one of RocketMQ's compile-time checks (a string, boolean or NULL
// where a number is compared, NULL in '=', IN on something that is not a property, BETWEEN
// with NULL bounds or bounds in the wrong order, a non-boolean expression as a condition, a
// literal out of range). Errc::too_large past the limits above.
Result<Expression> compile_sql92(std::string_view text);

}  // namespace ringmq::filter
