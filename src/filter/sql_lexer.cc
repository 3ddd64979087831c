#include "filter/sql_lexer.h"

namespace ringmq::filter {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_id_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$'; }
bool is_id_part(char c) { return is_id_start(c) || is_digit(c); }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_word(std::string_view a, std::string_view keyword) {
  if (a.size() != keyword.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != keyword[i]) return false;
  }
  return true;
}

}  // namespace

bool Lexer::skip_ignored() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++pos_;
    } else if (text_.substr(pos_, 2) == "--") {
      // The Java token needs its line end; without one the dashes are minus signs.
      const std::size_t eol = text_.find_first_of("\r\n", pos_);
      if (eol == std::string_view::npos) return true;
      pos_ = eol + 1;
    } else if (text_.substr(pos_, 2) == "/*") {
      const std::size_t close = text_.find("*/", pos_ + 2);
      if (close == std::string_view::npos) return false;
      pos_ = close + 2;
    } else {
      return true;
    }
  }
  return true;
}

Token Lexer::next() {
  if (!skip_ignored()) return {Tok::error, text_.substr(pos_)};
  if (pos_ >= text_.size()) return {Tok::end, {}};
  const char c = text_[pos_];
  if (is_digit(c) || (c == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1]))) return number();
  if (c == '\'') return quoted();
  if (is_id_start(c)) return word();
  const std::string_view two = text_.substr(pos_, 2);
  Tok kind = Tok::error;
  std::size_t len = 1;
  if (two == "<>") kind = Tok::ne, len = 2;
  else if (two == "<=") kind = Tok::le, len = 2;
  else if (two == ">=") kind = Tok::ge, len = 2;
  else if (c == '<') kind = Tok::lt;
  else if (c == '>') kind = Tok::gt;
  else if (c == '=') kind = Tok::eq;
  else if (c == '(') kind = Tok::lparen;
  else if (c == ')') kind = Tok::rparen;
  else if (c == ',') kind = Tok::comma;
  else if (c == '+') kind = Tok::plus;
  else if (c == '-') kind = Tok::minus;
  const Token t{kind, text_.substr(pos_, len)};
  if (kind != Tok::error) pos_ += len;
  return t;
}

// JavaCC takes the longest match: "01.5" is one floating literal, "01" is "0" then "1", "5E"
// is "5" then the identifier "E", "1L" is a long.
Token Lexer::number() {
  const std::size_t start = pos_;
  std::size_t i = pos_;
  while (i < text_.size() && is_digit(text_[i])) ++i;
  const std::size_t int_end = i;
  bool floating = false;
  if (i < text_.size() && text_[i] == '.') {
    floating = true;
    ++i;
    while (i < text_.size() && is_digit(text_[i])) ++i;
  }
  // An exponent: E, an optional sign, at least one digit.
  if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < text_.size() && (text_[j] == '+' || text_[j] == '-')) ++j;
    if (j < text_.size() && is_digit(text_[j])) {
      while (j < text_.size() && is_digit(text_[j])) ++j;
      i = j;
      floating = true;
    }
  }
  if (floating) {
    pos_ = i;
    return {Tok::floating, text_.substr(start, i - start)};
  }
  if (text_[start] == '0') {
    pos_ = start + 1;
    return {Tok::decimal, text_.substr(start, 1)};
  }
  i = int_end;
  if (i < text_.size() && (text_[i] == 'l' || text_[i] == 'L')) ++i;
  pos_ = i;
  return {Tok::decimal, text_.substr(start, i - start)};
}

Token Lexer::quoted() {
  const std::size_t start = pos_;
  Token t{Tok::string, {}};
  std::size_t i = pos_ + 1;
  while (i < text_.size()) {
    if (text_[i] == '\'') {
      if (i + 1 < text_.size() && text_[i + 1] == '\'') {
        t.value.push_back('\'');
        i += 2;
        continue;
      }
      pos_ = i + 1;
      t.image = text_.substr(start, pos_ - start);
      return t;
    }
    t.value.push_back(text_[i]);
    ++i;
  }
  return {Tok::error, text_.substr(start)};
}

Token Lexer::word() {
  const std::size_t start = pos_;
  while (pos_ < text_.size() && is_id_part(text_[pos_])) ++pos_;
  const std::string_view w = text_.substr(start, pos_ - start);
  static constexpr struct {
    std::string_view word;
    Tok kind;
  } kReserved[] = {{"not", Tok::kw_not},   {"and", Tok::kw_and},     {"or", Tok::kw_or},
                   {"between", Tok::kw_between}, {"in", Tok::kw_in}, {"true", Tok::kw_true},
                   {"false", Tok::kw_false}, {"null", Tok::kw_null}, {"is", Tok::kw_is}};
  for (const auto& r : kReserved) {
    if (same_word(w, r.word)) return {r.kind, w};
  }
  return {Tok::identifier, w};
}

}  // namespace ringmq::filter
