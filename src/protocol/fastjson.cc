#include "protocol/fastjson.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <tuple>

namespace ringmq::protocol {

namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<JsonValue> parse_document() {
    RINGMQ_TRY_ASSIGN(JsonValue v, parse_value(0));
    skip_space();
    if (pos_ != s_.size()) return fail("trailing bytes");
    return v;
  }

 private:
  Error fail(std::string_view what) const {
    return make_error(Errc::malformed, "json: " + std::string(what) + " at byte " + std::to_string(pos_));
  }

  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }

  bool consume(char c) {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  Result<JsonValue> parse_value(int depth) {
    if (depth > kJsonDepthMax) return make_error(Errc::too_large, "json: nested too deep");
    skip_space();
    if (pos_ >= s_.size()) return fail("unexpected end");
    const char c = s_[pos_];
    if (c == '{') return parse_object(depth);
    if (c == '[') return parse_array(depth);
    if (c == '"') {
      JsonValue v;
      v.kind = JsonValue::Kind::string;
      RINGMQ_TRY_ASSIGN(v.text, parse_string());
      return v;
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return parse_number();
    return parse_literal();
  }

  Result<JsonValue> parse_object(int depth) {
    ++pos_;
    JsonValue v;
    v.kind = JsonValue::Kind::object;
    if (consume('}')) return v;
    while (true) {
      RINGMQ_TRY_ASSIGN(JsonValue key, parse_value(depth + 1));
      if (!consume(':')) return fail("expected ':'");
      RINGMQ_TRY_ASSIGN(JsonValue value, parse_value(depth + 1));
      v.members.push_back(JsonMember{std::move(key), std::move(value)});
      if (consume(',')) continue;
      if (consume('}')) return v;
      return fail("expected ',' or '}'");
    }
  }

  Result<JsonValue> parse_array(int depth) {
    ++pos_;
    JsonValue v;
    v.kind = JsonValue::Kind::array;
    if (consume(']')) return v;
    while (true) {
      RINGMQ_TRY_ASSIGN(JsonValue item, parse_value(depth + 1));
      v.items.push_back(std::move(item));
      if (consume(',')) continue;
      if (consume(']')) return v;
      return fail("expected ',' or ']'");
    }
  }

  Result<JsonValue> parse_number() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '-' ||
                                s_[pos_] == '+' || s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
    }
    JsonValue v;
    v.kind = JsonValue::Kind::number;
    v.text = std::string(s_.substr(start, pos_ - start));
    return v;
  }

  Result<JsonValue> parse_literal() {
    JsonValue v;
    for (auto [word, kind, value] : {std::tuple{"true", JsonValue::Kind::boolean, true},
                                     std::tuple{"false", JsonValue::Kind::boolean, false},
                                     std::tuple{"null", JsonValue::Kind::null, false}}) {
      const std::string_view w(word);
      if (s_.substr(pos_, w.size()) == w) {
        pos_ += w.size();
        v.kind = kind;
        v.boolean = value;
        return v;
      }
    }
    return fail("unexpected character");
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  Result<std::uint32_t> hex4() {
    if (pos_ + 4 > s_.size()) return fail("short \\u escape");
    std::uint32_t cp = 0;
    auto [ptr, ec] = std::from_chars(s_.data() + pos_, s_.data() + pos_ + 4, cp, 16);
    if (ec != std::errc() || ptr != s_.data() + pos_ + 4) return fail("bad \\u escape");
    pos_ += 4;
    return cp;
  }

  Result<std::string> parse_string() {
    ++pos_;
    std::string out;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) break;
      const char e = s_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          RINGMQ_TRY_ASSIGN(std::uint32_t cp, hex4());
          if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            RINGMQ_TRY_ASSIGN(std::uint32_t low, hex4());
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default: out += e; break;  // \" \\ \/
      }
    }
    return fail("unterminated string");
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

const JsonValue* JsonValue::get(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if ((k.kind == Kind::string || k.kind == Kind::number) && k.text == key) return &v;
  }
  return nullptr;
}

std::string JsonValue::str(std::string_view key, std::string_view fallback) const {
  const JsonValue* v = get(key);
  return v == nullptr || v->kind == Kind::null ? std::string(fallback) : v->as_text();
}

std::int64_t JsonValue::int64(std::string_view key, std::int64_t fallback) const {
  const JsonValue* v = get(key);
  return v == nullptr || v->kind != Kind::number ? fallback : v->as_int64();
}

double JsonValue::number(std::string_view key, double fallback) const {
  const JsonValue* v = get(key);
  return v == nullptr || v->kind != Kind::number ? fallback : std::strtod(v->text.c_str(), nullptr);
}

bool JsonValue::flag(std::string_view key, bool fallback) const {
  const JsonValue* v = get(key);
  return v == nullptr || v->kind != Kind::boolean ? fallback : v->boolean;
}

std::string JsonValue::as_text() const {
  switch (kind) {
    case Kind::boolean: return boolean ? "true" : "false";
    case Kind::string:
    case Kind::number: return text;
    default: return {};
  }
}

std::int64_t JsonValue::as_int64() const {
  std::int64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

Result<JsonValue> parse_fastjson(std::string_view text) { return Parser(text).parse_document(); }

std::string quote_numeric_keys(std::string_view json) {
  std::string out;
  out.reserve(json.size() + 16);
  bool in_string = false;
  char last_structural = 0;  // last of { , : [ seen outside strings
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < json.size()) out.push_back(json[++i]);
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    const bool key_position = last_structural == '{' || last_structural == ',';
    if (key_position && (std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      std::size_t j = i + 1;
      while (j < json.size() && std::isdigit(static_cast<unsigned char>(json[j]))) ++j;
      std::size_t k = j;
      while (k < json.size() && std::isspace(static_cast<unsigned char>(json[k]))) ++k;
      if (k < json.size() && json[k] == ':') {
        out.push_back('"');
        out.append(json.substr(i, j - i));
        out.push_back('"');
        i = j - 1;
        last_structural = 0;
        continue;
      }
    }
    if (c == '{' || c == ',' || c == ':' || c == '[') last_structural = c;
    else if (!std::isspace(static_cast<unsigned char>(c))) last_structural = 0;
    out.push_back(c);
  }
  return out;
}


}  // namespace ringmq::protocol
