// The tokens of RocketMQ's SelectorParser.jj: reserved words (case-insensitive), decimal and
// floating literals, quoted strings ('' inside is one quote), identifiers, and the operators.
// Whitespace, "-- ...\n" and "/* ... */" are skipped. Pure; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ringmq::filter {

enum class Tok : unsigned char {
  end,
  error,  // a character no token starts with, or an unterminated string or comment
  kw_not, kw_and, kw_or, kw_between, kw_in, kw_true, kw_false, kw_null, kw_is,
  decimal, floating, string, identifier,
  lparen, rparen, comma, eq, ne, lt, le, gt, ge, plus, minus,
};

struct Token {
  Tok kind = Tok::end;
  std::string_view image;  // the source text of the token
  std::string value;       // string literal without quotes, '' folded

  Token() = default;
  Token(Tok k, std::string_view i) : kind(k), image(i) {}
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}
  Token next();
  std::size_t position() const { return pos_; }

 private:
  bool skip_ignored();  // false on an unterminated block comment
  Token number();
  Token quoted();
  Token word();

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace ringmq::filter
