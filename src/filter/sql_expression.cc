// Evaluation with the Java classes' three-valued rules; the comments name the class each
// branch follows.
#include "filter/sql_expression.h"

#include <algorithm>

namespace ringmq::filter {
namespace {

// UnaryExpression.negate: Java's int and long negation wrap.
Value negate(const Value& v) {
  switch (v.kind) {
    case ValueKind::int32: return Value::int32(static_cast<std::int32_t>(0u - static_cast<std::uint32_t>(v.i)));
    case ValueKind::int64: return Value::int64(static_cast<std::int64_t>(0ull - static_cast<std::uint64_t>(v.i)));
    case ValueKind::float64: return Value::float64(-v.d);
    default: return Value::null();  // not a Number
  }
}

bool ordered_holds(Op op, int c) {
  switch (op) {
    case Op::greater: return c > 0;
    case Op::greater_equal: return c >= 0;
    case Op::less: return c < 0;
    case Op::less_equal: return c <= 0;
    default: return c == 0;
  }
}

}  // namespace

bool Expression::matches(const PropertyLookup& lookup) const {
  const Value v = evaluate(lookup);
  return v.kind == ValueKind::boolean && v.b;
}

Value Expression::evaluate(const PropertyLookup& lookup) const {
  if (root_ < 0) return Value::error();
  return eval(root_, lookup);
}

// ComparisonExpression.evaluate (ordering) and doCreateEqual's evaluate (equality).
Value Expression::eval_comparison(const Node& n, const PropertyLookup& lookup) const {
  const Value lv = eval(n.left, lookup);
  if (lv.kind == ValueKind::error) return lv;
  if (n.op == Op::equal) {
    const Value rv = eval(n.right, lookup);
    if (rv.kind == ValueKind::error) return rv;
    const bool ln = lv.kind == ValueKind::null, rn = rv.kind == ValueKind::null;
    if (ln != rn) return ln ? Value::null() : Value::boolean(false);
    if (java_equals(lv, rv)) return Value::boolean(true);
    const std::optional<int> c = java_compare(lv, rv);
    if (!c) return Value::error();
    return Value::boolean(*c == 0);
  }
  if (lv.kind == ValueKind::null) return lv;
  const Value rv = eval(n.right, lookup);
  if (rv.kind == ValueKind::error || rv.kind == ValueKind::null) return rv;
  std::optional<int> c;
  if (lv.kind == ValueKind::string && rv.kind == ValueKind::string) {
    // Strings are ordered only as numbers (Double.valueOf of both), else an error.
    const std::optional<double> a = java_parse_double(lv.s), b = java_parse_double(rv.s);
    if (!a || !b) return Value::error();
    c = java_compare(Value::float64(*a), Value::float64(*b));
  } else {
    c = java_compare(lv, rv);
  }
  if (!c) return Value::error();
  return Value::boolean(ordered_holds(n.op, *c));
}

Value Expression::eval(std::int32_t index, const PropertyLookup& lookup) const {
  const Node& n = nodes_[static_cast<std::size_t>(index)];
  switch (n.op) {
    case Op::constant: return n.constant.kind == ValueKind::string ? Value::string(n.text) : n.constant;
    case Op::property: {
      const std::optional<std::string_view> v = lookup(n.text);
      return v ? Value::string(*v) : Value::null();
    }
    case Op::negate: {
      const Value v = eval(n.left, lookup);
      return v.kind == ValueKind::error ? v : negate(v);
    }
    case Op::boolean_cast: {  // UnaryExpression.createBooleanCast
      const Value v = eval(n.left, lookup);
      if (v.kind == ValueKind::error || v.kind == ValueKind::null) return v;
      return Value::boolean(v.kind == ValueKind::boolean && v.b);
    }
    case Op::logical_not: {  // UnaryExpression.createNOT
      const Value v = eval(n.left, lookup);
      if (v.kind == ValueKind::error || v.kind == ValueKind::null) return v;
      if (v.kind != ValueKind::boolean) return Value::error();  // Java's cast to Boolean fails
      return Value::boolean(!v.b);
    }
    case Op::logical_and:
    case Op::logical_or: {  // LogicExpression: the left side decides alone when it can
      const bool decisive = n.op == Op::logical_or;
      const Value lv = eval(n.left, lookup);
      if (lv.kind == ValueKind::error) return lv;
      if (lv.kind != ValueKind::null && lv.kind != ValueKind::boolean) return Value::error();
      if (lv.kind == ValueKind::boolean && lv.b == decisive) return lv;
      const Value rv = eval(n.right, lookup);
      if (rv.kind == ValueKind::error) return rv;
      if (rv.kind != ValueKind::null && rv.kind != ValueKind::boolean) return Value::error();
      if (rv.kind == ValueKind::boolean && rv.b == decisive) return rv;
      if (lv.kind == ValueKind::null || rv.kind == ValueKind::null) return Value::null();
      return Value::boolean(!decisive);
    }
    case Op::in:
    case Op::not_in: {  // UnaryExpression.createInExpression: only a string can be in the list
      const Value v = eval(n.left, lookup);
      if (v.kind != ValueKind::string) return v.kind == ValueKind::error ? v : Value::null();
      const bool found = std::find(n.in_list.begin(), n.in_list.end(), v.s) != n.in_list.end();
      return Value::boolean(found != (n.op == Op::not_in));
    }
    case Op::equal:
    case Op::greater:
    case Op::greater_equal:
    case Op::less:
    case Op::less_equal: return eval_comparison(n, lookup);
  }
  return Value::error();
}

}  // namespace ringmq::filter
