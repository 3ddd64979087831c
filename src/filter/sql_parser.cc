// Recursive descent over SelectorParser.jj's grammar (see sql_expression.h), building the same
// tree the Java factories build (BETWEEN as AND of >= and <=, <> as NOT of =, IS NULL as = NULL)
// and running their compile-time checks, so a selector Java refuses is refused here.
#include <cfloat>
#include <cstdlib>
#include <string>

#include "filter/sql_expression.h"
#include "filter/sql_lexer.h"

namespace ringmq::filter {

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) { advance(); }

  Result<Expression> run() {
    RINGMQ_TRY_ASSIGN(std::int32_t top, or_expr());
    RINGMQ_TRY_ASSIGN(top, as_boolean(top));
    // Java's JmsSelector() has no <EOF>: what follows is ignored once its first token lexes.
    if (current_.kind == Tok::error) return fail("Lexical error at: " + std::string(current_.image.substr(0, 32)));
    out_.root_ = top;
    return std::move(out_);
  }

 private:
  static Error fail(std::string detail) { return make_error(Errc::malformed, "Invalid MessageSelector. " + detail); }

  void advance() { current_ = lexer_.next(); }
  bool accept(Tok kind) {
    if (current_.kind != kind) return false;
    advance();
    return true;
  }
  Status expect(Tok kind, std::string_view what) {
    if (accept(kind)) return {};
    return fail("Encountered \"" + std::string(current_.image.substr(0, 32)) + "\", expected " + std::string(what));
  }

  const Node& node(std::int32_t i) const { return out_.nodes_[static_cast<std::size_t>(i)]; }
  bool is_constant(std::int32_t i) const { return node(i).op == Op::constant; }
  bool is_property(std::int32_t i) const { return node(i).op == Op::property; }
  // BooleanExpression in Java: every comparison and logic node, and the TRUE/FALSE/NULL constants.
  bool is_boolean(std::int32_t i) const {
    const Node& n = node(i);
    if (n.op == Op::constant) return n.constant.kind == ValueKind::boolean || n.constant.kind == ValueKind::null;
    return n.op != Op::property && n.op != Op::negate;
  }

  Result<std::int32_t> add(Node n) {
    if (out_.nodes_.size() >= kNodesMax) return make_error(Errc::too_large, "Invalid MessageSelector. more than " + std::to_string(kNodesMax) + " terms");
    std::uint16_t depth = 0;
    if (n.left >= 0) depth = node(n.left).depth;
    if (n.right >= 0 && node(n.right).depth > depth) depth = node(n.right).depth;
    if (depth + 1u > kTreeDepthMax) return make_error(Errc::too_large, "Invalid MessageSelector. nested deeper than " + std::to_string(kTreeDepthMax));
    n.depth = static_cast<std::uint16_t>(depth + 1);
    out_.nodes_.push_back(std::move(n));
    return static_cast<std::int32_t>(out_.nodes_.size() - 1);
  }
  Result<std::int32_t> unary(Op op, std::int32_t child) { return add(Node{op, child}); }
  Result<std::int32_t> binary(Op op, std::int32_t l, std::int32_t r) { return add(Node{op, l, r}); }

  // asBooleanExpression: a bare property becomes a cast; any other non-boolean is refused.
  Result<std::int32_t> as_boolean(std::int32_t i) {
    if (is_boolean(i)) return i;
    if (is_property(i)) return unary(Op::boolean_cast, i);
    return fail("Expression will not result in a boolean value");
  }

  // checkLessThanOperand: only numbers, properties and arithmetic may be ordered.
  Status check_orderable(std::int32_t i) const {
    if (is_constant(i) && !node(i).constant.is_number()) return fail("Value cannot be compared");
    if (!is_constant(i) && is_boolean(i)) return fail("Value cannot be compared");
    return {};
  }

  Result<std::int32_t> ordered(Op op, std::int32_t l, std::int32_t r) {
    RINGMQ_TRY(check_orderable(l));
    RINGMQ_TRY(check_orderable(r));
    return binary(op, l, r);
  }

  // createEqual: NULL may not be compared with '=', nor a boolean constant with a non-boolean one.
  Result<std::int32_t> equal(std::int32_t l, std::int32_t r) {
    for (std::int32_t i : {l, r}) {
      if (is_constant(i) && node(i).constant.kind == ValueKind::null) return fail("'NULL' cannot be compared");
    }
    if (is_constant(l) && is_constant(r) && is_boolean(l) && !is_boolean(r)) return fail("boolean cannot be compared with a non-boolean");
    return binary(Op::equal, l, r);
  }

  Result<std::int32_t> constant(Value v, std::string text = {}) {
    Node n{Op::constant};
    n.constant = v;
    n.text = std::move(text);
    return add(std::move(n));
  }

  Result<std::int32_t> or_expr() {
    RINGMQ_TRY_ASSIGN(std::int32_t left, and_expr());
    while (accept(Tok::kw_or)) {
      RINGMQ_TRY_ASSIGN(std::int32_t right, and_expr());
      RINGMQ_TRY_ASSIGN(left, as_boolean(left));
      RINGMQ_TRY_ASSIGN(right, as_boolean(right));
      RINGMQ_TRY_ASSIGN(left, binary(Op::logical_or, left, right));
    }
    return left;
  }

  Result<std::int32_t> and_expr() {
    RINGMQ_TRY_ASSIGN(std::int32_t left, equality_expr());
    while (accept(Tok::kw_and)) {
      RINGMQ_TRY_ASSIGN(std::int32_t right, equality_expr());
      RINGMQ_TRY_ASSIGN(left, as_boolean(left));
      RINGMQ_TRY_ASSIGN(right, as_boolean(right));
      RINGMQ_TRY_ASSIGN(left, binary(Op::logical_and, left, right));
    }
    return left;
  }

  Result<std::int32_t> equality_expr() {
    RINGMQ_TRY_ASSIGN(std::int32_t left, comparison_expr());
    for (;;) {
      if (accept(Tok::eq)) {
        RINGMQ_TRY_ASSIGN(std::int32_t right, comparison_expr());
        RINGMQ_TRY_ASSIGN(left, equal(left, right));
      } else if (accept(Tok::ne)) {
        RINGMQ_TRY_ASSIGN(std::int32_t right, comparison_expr());
        RINGMQ_TRY_ASSIGN(std::int32_t eq, equal(left, right));
        RINGMQ_TRY_ASSIGN(left, unary(Op::logical_not, eq));
      } else if (accept(Tok::kw_is)) {
        const bool negated = accept(Tok::kw_not);
        RINGMQ_TRY(expect(Tok::kw_null, "NULL"));
        RINGMQ_TRY_ASSIGN(std::int32_t null_value, constant(Value::null()));
        RINGMQ_TRY_ASSIGN(left, binary(Op::equal, left, null_value));
        if (negated) {
          RINGMQ_TRY_ASSIGN(left, unary(Op::logical_not, left));
        }
      } else {
        return left;
      }
    }
  }

  Result<std::int32_t> between(std::int32_t value, bool negated) {
    RINGMQ_TRY_ASSIGN(std::int32_t low, unary_expr());
    RINGMQ_TRY(expect(Tok::kw_and, "AND"));
    RINGMQ_TRY_ASSIGN(std::int32_t high, unary_expr());
    if (negated) {
      RINGMQ_TRY_ASSIGN(std::int32_t below, ordered(Op::less, value, low));
      RINGMQ_TRY_ASSIGN(std::int32_t above, ordered(Op::greater, value, high));
      return binary(Op::logical_or, below, above);
    }
    if (is_constant(low) && is_constant(high)) {
      const Value lv = node(low).constant, hv = node(high).constant;
      if (lv.kind == ValueKind::null || hv.kind == ValueKind::null) return fail("Illegal values of between, values can not be null!");
      const Value l = lv.kind == ValueKind::string ? Value::string(node(low).text) : lv;
      const Value h = hv.kind == ValueKind::string ? Value::string(node(high).text) : hv;
      const std::optional<int> c = java_compare(h, l);
      if (!c) return fail("Illegal values of between");
      if (*c < 0) return fail("Illegal values of between, left value must less than or equal to right value");
    }
    RINGMQ_TRY_ASSIGN(std::int32_t ge, ordered(Op::greater_equal, value, low));
    RINGMQ_TRY_ASSIGN(std::int32_t le, ordered(Op::less_equal, value, high));
    return binary(Op::logical_and, ge, le);
  }

  Result<std::int32_t> in_list(std::int32_t value, bool negated) {
    RINGMQ_TRY(expect(Tok::lparen, "("));
    Node n{negated ? Op::not_in : Op::in, value};
    do {
      if (current_.kind != Tok::string) return fail("IN takes string literals");
      n.in_list.push_back(std::move(current_.value));
      advance();
      if (n.in_list.size() > kNodesMax) return make_error(Errc::too_large, "Invalid MessageSelector. IN list too long");
    } while (accept(Tok::comma));
    RINGMQ_TRY(expect(Tok::rparen, ")"));
    if (!is_property(value)) return fail("Expected a property for In expression");
    return add(std::move(n));
  }

  Result<std::int32_t> comparison_expr() {
    RINGMQ_TRY_ASSIGN(std::int32_t left, unary_expr());
    for (;;) {
      const Tok t = current_.kind;
      if (t == Tok::gt || t == Tok::ge || t == Tok::lt || t == Tok::le) {
        advance();
        RINGMQ_TRY_ASSIGN(std::int32_t right, unary_expr());
        const Op op = t == Tok::gt ? Op::greater : t == Tok::ge ? Op::greater_equal : t == Tok::lt ? Op::less : Op::less_equal;
        RINGMQ_TRY_ASSIGN(left, ordered(op, left, right));
      } else if (accept(Tok::kw_between)) {
        RINGMQ_TRY_ASSIGN(left, between(left, false));
      } else if (accept(Tok::kw_in)) {
        RINGMQ_TRY_ASSIGN(left, in_list(left, false));
      } else if (t == Tok::kw_not) {
        // NOT here must be NOT BETWEEN or NOT IN (LOOKAHEAD(2) in the grammar); otherwise the
        // expression ends before it.
        Lexer peek = lexer_;
        const Tok after = peek.next().kind;
        if (after != Tok::kw_between && after != Tok::kw_in) return left;
        advance();
        advance();
        if (after == Tok::kw_between) {
          RINGMQ_TRY_ASSIGN(left, between(left, true));
        } else {
          RINGMQ_TRY_ASSIGN(left, in_list(left, true));
        }
      } else {
        return left;
      }
    }
  }

  Result<std::int32_t> unary_expr() {
    if (++depth_ > kTreeDepthMax) return make_error(Errc::too_large, "Invalid MessageSelector. nested deeper than " + std::to_string(kTreeDepthMax));
    Result<std::int32_t> r = unary_inner();
    --depth_;
    return r;
  }

  Result<std::int32_t> unary_inner() {
    if (accept(Tok::plus)) return unary_expr();
    if (accept(Tok::minus)) {
      RINGMQ_TRY_ASSIGN(std::int32_t child, unary_expr());
      return unary(Op::negate, child);
    }
    if (accept(Tok::kw_not)) {
      RINGMQ_TRY_ASSIGN(std::int32_t child, unary_expr());
      RINGMQ_TRY_ASSIGN(child, as_boolean(child));
      return unary(Op::logical_not, child);
    }
    return primary_expr();
  }

  Result<std::int32_t> primary_expr() {
    Token t = std::move(current_);
    switch (t.kind) {
      case Tok::lparen: {
        advance();
        RINGMQ_TRY_ASSIGN(std::int32_t inner, or_expr());
        RINGMQ_TRY(expect(Tok::rparen, ")"));
        return inner;
      }
      case Tok::string: advance(); return constant(Value::string({}), std::move(t.value));
      case Tok::kw_true: advance(); return constant(Value::boolean(true));
      case Tok::kw_false: advance(); return constant(Value::boolean(false));
      case Tok::kw_null: advance(); return constant(Value::null());
      case Tok::identifier: {
        advance();
        Node n{Op::property};
        n.text = std::string(t.image);
        return add(std::move(n));
      }
      case Tok::decimal: advance(); return decimal(t.image);
      case Tok::floating: advance(); return floating(t.image);
      default: return fail("Encountered \"" + std::string(t.image.substr(0, 32)) + "\", expected a value");
    }
  }

  // ConstantExpression.createFromDecimal: a Java Integer when it fits, else a Long.
  Result<std::int32_t> decimal(std::string_view image) {
    if (image.back() == 'l' || image.back() == 'L') image.remove_suffix(1);
    const std::optional<std::int64_t> v = java_parse_long(image);
    if (!v) return fail("number out of range: " + std::string(image));
    if (*v >= INT32_MIN && *v <= INT32_MAX) return constant(Value::int32(static_cast<std::int32_t>(*v)));
    return constant(Value::int64(*v));
  }

  // ConstantExpression.createFloat refuses values above Double.MAX_VALUE and, as 4.9.4 does,
  // below Double.MIN_VALUE (so 0.0 is refused as a literal).
  Result<std::int32_t> floating(std::string_view image) {
    const std::optional<double> v = java_parse_double(image);
    if (!v) return fail("bad number: " + std::string(image));
    if (*v > DBL_MAX) return fail(std::string(image) + " is greater than 1.7976931348623157E308");
    if (*v < DBL_TRUE_MIN) return fail(std::string(image) + " is less than 4.9E-324");
    return constant(Value::float64(*v));
  }

  Lexer lexer_;
  Token current_;
  Expression out_;
  std::size_t depth_ = 0;
};

Result<Expression> compile_sql92(std::string_view text) {
  if (text.size() > kExpressionBytesMax) {
    return make_error(Errc::too_large, "Invalid MessageSelector. longer than " + std::to_string(kExpressionBytesMax) + " bytes");
  }
  return Parser(text).run();
}

}  // namespace ringmq::filter
