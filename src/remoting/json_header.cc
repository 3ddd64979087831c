// JSON command headers (docs/PROTOCOL.md §1.4, §15).
//
// Decoding uses simdjson's DOM API rather than On-Demand: the Debian build of libsimdjson picks
// its SIMD kernel at run time only for DOM (On-Demand is compiled for the generic "fallback"
// kernel unless the whole program is built with -march), and DOM validates the whole document,
// which is what we want for bytes from the network. On a 380-byte SEND_MESSAGE_V2 header, parsing
// plus walking every field took 379 ns with DOM (icelake kernel) and 494 ns with On-Demand
// (fallback kernel) on the build machine. The parser and its padded input buffer are reused per
// thread, so a decode allocates only the command's own strings.
#include <simdjson.h>

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <memory>

#include "base/hex.h"
#include "remoting/codec.h"
#include "remoting/header_codec.h"

namespace ringmq::remoting::detail {
namespace {

namespace dom = simdjson::dom;

// Java headers are flat (extFields is the only nested object). Anything deeper than this is not a
// header; the limit also bounds the parser's per-depth allocations.
constexpr std::size_t kJsonDepthMax = 8;
// Per-thread parser and padded copy buffer are kept for headers up to this size. Real headers are
// well under 2 KiB; a larger one gets a one-off parser, so a single hostile frame cannot pin
// megabytes per core.
constexpr std::size_t kThreadScratchBytesMax = 64 * 1024;
constexpr std::size_t kThreadScratchBytesInitial = 4 * 1024;

// A simdjson DOM parser and a buffer with SIMDJSON_PADDING bytes of slack after the copy of the
// header (simdjson reads up to 64 bytes past the end). Owned by one thread (or one call).
class JsonScratch {
 public:
  // Parses `text`; the returned element stays valid until the next parse() on this object.
  Result<dom::element> parse(Bytes text) {
    if (auto st = reserve(text.size()); !st.ok()) return st.take_error();
    // An empty view may carry a null pointer, which memcpy must not see even for 0 bytes (fuzzing).
    if (!text.empty()) std::memcpy(buffer_.get(), text.data(), text.size());
    // simdjson does not need the padding to be zero; zeroing keeps the bytes deterministic.
    std::memset(buffer_.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    dom::element root;
    const auto err = parser_.parse(reinterpret_cast<const std::uint8_t*>(buffer_.get()), text.size(),
                                   /*realloc_if_needed=*/false).get(root);
    if (err) {
      return make_error(Errc::malformed, fmt::format("JSON header: {}", simdjson::error_message(err)));
    }
    return root;
  }

 private:
  Status reserve(std::size_t text_bytes) {
    // The buffer is allocated on first use even for an empty header: its padding is written below
    // (a fresh scratch parsing "" wrote through a null pointer; found by fuzz_json_header).
    if (buffer_ != nullptr && text_bytes <= capacity_) return {};
    const std::size_t capacity = std::max(text_bytes, kThreadScratchBytesInitial);
    if (parser_.allocate(capacity, kJsonDepthMax) != simdjson::SUCCESS) {
      return make_error(Errc::no_space, "JSON header: parser allocation failed");
    }
    buffer_ = std::make_unique<char[]>(capacity + simdjson::SIMDJSON_PADDING);
    capacity_ = capacity;
    return {};
  }

  dom::parser parser_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
};

Error malformed(std::string_view what) {
  return make_error(Errc::malformed, fmt::format("JSON header: {}", what));
}

// An int field (code, flag, opaque, version). fastjson also accepts a numeric string and leaves the
// field at its default for null; so do we.
Status read_int32(dom::element v, std::string_view name, std::int32_t& out) {
  switch (v.type()) {
    case dom::element_type::INT64: {
      const std::int64_t n = v.get_int64().value_unsafe();
      if (n < std::numeric_limits<std::int32_t>::min() || n > std::numeric_limits<std::int32_t>::max()) return malformed(fmt::format("'{}' out of int32 range", name));
      out = static_cast<std::int32_t>(n);
      return {};
    }
    case dom::element_type::STRING:
      if (!parse_java_int32(v.get_string().value_unsafe(), out)) {
        return malformed(fmt::format("'{}' is not an int32", name));
      }
      return {};
    case dom::element_type::NULL_VALUE:
      return {};
    default:
      return malformed(fmt::format("'{}' is not an int32", name));
  }
}

// `language`: the enum name (Java, C++) or its ordinal (fastjson accepts both). A name or number we
// do not know is kept as OTHER rather than failing the frame: the field is informational.
Status read_language(dom::element v, LanguageCode& out) {
  switch (v.type()) {
    case dom::element_type::STRING:
      out = language_from_name(v.get_string().value_unsafe()).value_or(LanguageCode::other);
      return {};
    case dom::element_type::INT64: {
      const std::int64_t n = v.get_int64().value_unsafe();
      out = (n >= 0 && n <= 0xFF) ? static_cast<LanguageCode>(n) : LanguageCode::other;
      return {};
    }
    case dom::element_type::NULL_VALUE:
      return {};
    default:
      return malformed("'language' is neither a name nor an ordinal");
  }
}

// One extFields value as the string Java's Map<String,String> would hold: strings as they are,
// numbers as decimal text, booleans as "true"/"false". Returns false for null (the entry is
// dropped, as Java's encoders skip null values).
Result<bool> render_ext_value(dom::element v, char (&scratch)[32], std::string_view& out) {
  switch (v.type()) {
    case dom::element_type::STRING:
      out = v.get_string().value_unsafe();
      return true;
    case dom::element_type::INT64:
    case dom::element_type::UINT64: {
      const auto [ptr, ec] =
          v.type() == dom::element_type::INT64
              ? std::to_chars(scratch, scratch + sizeof scratch, v.get_int64().value_unsafe())
              : std::to_chars(scratch, scratch + sizeof scratch, v.get_uint64().value_unsafe());
      RINGMQ_ASSERT(ec == std::errc{});
      out = std::string_view(scratch, static_cast<std::size_t>(ptr - scratch));
      return true;
    }
    case dom::element_type::DOUBLE: {
      const auto result = fmt::format_to_n(scratch, sizeof scratch, "{}", v.get_double().value_unsafe());
      out = std::string_view(scratch, std::min(result.size, sizeof scratch));
      return true;
    }
    case dom::element_type::BOOL:
      out = v.get_bool().value_unsafe() ? "true" : "false";
      return true;
    case dom::element_type::NULL_VALUE:
      return false;
    default:
      return malformed("an extFields value is an object or array");
  }
}

Status read_ext_fields(dom::element v, RemotingCommand& cmd) {
  if (v.type() == dom::element_type::NULL_VALUE) {
    cmd.has_ext_fields = false;
    cmd.ext_fields.clear();
    return {};
  }
  dom::object fields;
  if (v.get_object().get(fields) != simdjson::SUCCESS) return malformed("'extFields' is not an object");
  if (fields.size() > kExtFieldsMax) {
    return malformed(fmt::format("{} extFields entries, more than {}", fields.size(), kExtFieldsMax));
  }
  cmd.has_ext_fields = true;
  cmd.ext_fields.clear();
  cmd.ext_fields.reserve(fields.size());
  ExtFieldsFiller filler(cmd.ext_fields);
  char scratch[32];
  for (const dom::key_value_pair field : fields) {
    std::string_view text;
    auto present = render_ext_value(field.value, scratch, text);
    if (!present.ok()) return present.take_error();
    if (*present) filler.put(field.key, text);
  }
  return {};
}

Status read_remark(dom::element v, std::optional<std::string>& out) {
  switch (v.type()) {
    case dom::element_type::STRING:
      out.emplace(v.get_string().value_unsafe());
      return {};
    case dom::element_type::NULL_VALUE:
      out.reset();
      return {};
    default:
      return malformed("'remark' is not a string");
  }
}

Status fill_command(dom::element root, RemotingCommand& cmd) {
  dom::object header;
  if (root.get_object().get(header) != simdjson::SUCCESS) return malformed("not an object");
  // Java's defaults for keys a sender left out (fastjson builds the object with `new`).
  cmd.code = 0;
  cmd.language = LanguageCode::java;
  cmd.version = 0;
  cmd.opaque = 0;
  cmd.flag = 0;
  cmd.remark.reset();
  cmd.ext_fields.clear();
  cmd.has_ext_fields = false;
  for (const dom::key_value_pair field : header) {
    const std::string_view key = field.key;
    Status st;
    if (key == "code") {
      st = read_int32(field.value, key, cmd.code);
    } else if (key == "extFields") {
      st = read_ext_fields(field.value, cmd);
    } else if (key == "flag") {
      st = read_int32(field.value, key, cmd.flag);
    } else if (key == "language") {
      st = read_language(field.value, cmd.language);
    } else if (key == "opaque") {
      st = read_int32(field.value, key, cmd.opaque);
    } else if (key == "remark") {
      st = read_remark(field.value, cmd.remark);
    } else if (key == "version") {
      st = read_int32(field.value, key, cmd.version);
    }
    // Anything else (serializeTypeCurrentRPC, which the frame's type byte overrides, or keys some
    // future client adds) is ignored, as Java ignores unknown properties.
    if (!st.ok()) return st;
  }
  return {};
}

// Bytes that need a look when writing a JSON string the way fastjson's SerializeWriter does:
// control characters, '"', '\\', DEL, and 0xC2, the UTF-8 lead byte of U+0080..U+00A0, which
// fastjson also writes as \u escapes. Everything else is copied in runs.
constexpr auto kNeedsLook = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = table['\\'] = table[0x7F] = table[0xC2] = true;
  return table;
}();

void append_unicode_escape(std::string& out, unsigned char c) {
  const char escape[6] = {'\\', 'u', '0', '0', hex_digit(c >> 4), hex_digit(c)};
  out.append(escape, sizeof escape);
}

// One escape for byte `c` (not the 0xC2 case).
void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out.append("\\\""); return;
    case '\\': out.append("\\\\"); return;
    case '\b': out.append("\\b"); return;
    case '\t': out.append("\\t"); return;
    case '\n': out.append("\\n"); return;
    case '\f': out.append("\\f"); return;
    case '\r': out.append("\\r"); return;
    default: append_unicode_escape(out, c); return;
  }
}

// A quoted JSON string, escaped byte for byte as fastjson escapes it (so a re-encoded Java header
// is identical to Java's; any JSON parser reads it either way).
void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  std::size_t run_start = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!kNeedsLook[c]) {
      ++i;
      continue;
    }
    if (c == 0xC2) {
      const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
      if (next < 0x80 || next > 0xA0) {
        ++i;  // another U+0080..U+00BF character or invalid UTF-8: copied as is
        continue;
      }
      out.append(s.data() + run_start, i - run_start);
      append_unicode_escape(out, next);
      i += 2;
    } else {
      out.append(s.data() + run_start, i - run_start);
      append_escape(out, c);
      i += 1;
    }
    run_start = i;
  }
  out.append(s.data() + run_start, s.size() - run_start);
  out.push_back('"');
}

JsonScratch& thread_scratch() {
  thread_local JsonScratch scratch;
  return scratch;
}

}  // namespace

Status decode_json_header(Bytes header, RemotingCommand& cmd) {
  if (header.size() > kThreadScratchBytesMax) {
    JsonScratch one_off;
    RINGMQ_TRY_ASSIGN(const dom::element root, one_off.parse(header));
    return fill_command(root, cmd);
  }
  RINGMQ_TRY_ASSIGN(const dom::element root, thread_scratch().parse(header));
  return fill_command(root, cmd);
}

void encode_json_header(const RemotingCommand& cmd, std::string& out) {
  // fastjson's bean order: properties sorted by name, nulls omitted (§1.4). Reserve for the fixed
  // keys plus quotes, colons and commas per entry, so the common header appends without regrowth.
  constexpr std::size_t kFixedJsonBytes = 160;
  std::size_t bytes = kFixedJsonBytes + (cmd.remark ? cmd.remark->size() : 0);
  for (const auto& [key, value] : cmd.ext_fields.entries()) bytes += key.size() + value.size() + 6;
  out.reserve(out.size() + bytes);
  out.append(R"({"code":)");
  append_decimal(out, cmd.code);
  if (cmd.has_ext_fields || !cmd.ext_fields.empty()) {
    out.append(R"(,"extFields":{)");
    bool first = true;
    for (const auto& [key, value] : cmd.ext_fields.entries()) {
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, key);
      out.push_back(':');
      append_json_string(out, value);
    }
    out.push_back('}');
  }
  out.append(R"(,"flag":)");
  append_decimal(out, cmd.flag);
  out.append(R"(,"language":)");
  const std::string_view name = language_name(cmd.language);
  if (name.empty()) {
    // A byte Java has no name for: the ordinal, which fastjson also accepts.
    append_decimal(out, static_cast<std::uint8_t>(cmd.language));
  } else {
    out.push_back('"');
    out.append(name);
    out.push_back('"');
  }
  out.append(R"(,"opaque":)");
  append_decimal(out, cmd.opaque);
  if (cmd.remark) {
    out.append(R"(,"remark":)");
    append_json_string(out, *cmd.remark);
  }
  out.append(R"(,"serializeTypeCurrentRPC":"JSON","version":)");
  append_decimal(out, cmd.version);
  out.push_back('}');
}

void append_decimal(std::string& out, std::int64_t v) {
  char buf[24];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  RINGMQ_ASSERT(ec == std::errc{});
  out.append(buf, static_cast<std::size_t>(ptr - buf));
}

}  // namespace ringmq::remoting::detail
