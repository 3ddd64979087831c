#include "base/hex.h"

namespace ringmq {

void write_hex(Bytes bytes, char* out, HexCase c) {
  for (std::uint8_t b : bytes) {
    *out++ = hex_digit(b >> 4, c);
    *out++ = hex_digit(b, c);
  }
}

void append_hex(Bytes bytes, std::string& out, HexCase c) {
  const std::size_t start = out.size();
  out.resize(start + 2 * bytes.size());
  write_hex(bytes, out.data() + start, c);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

Result<std::string> decode_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return make_error(Errc::malformed, "hex text of odd length");
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return make_error(Errc::malformed, "not a hex digit");
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace ringmq
