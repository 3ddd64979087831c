// Hexadecimal text of bytes: message ids (upper case, as Java's UtilAll.bytes2string writes them),
// JSON \u escapes and test vectors.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace ringmq {

enum class HexCase { upper, lower };

// The digit of a nibble (0-15).
constexpr char hex_digit(unsigned nibble, HexCase c = HexCase::upper) {
  return (c == HexCase::upper ? "0123456789ABCDEF" : "0123456789abcdef")[nibble & 0xF];
}
// Writes 2 * bytes.size() digits to out (a fixed buffer).
void write_hex(Bytes bytes, char* out, HexCase c = HexCase::upper);
void append_hex(Bytes bytes, std::string& out, HexCase c = HexCase::upper);
// 0-15 for a digit of either case, -1 otherwise.
int hex_value(char c);
// Errors: malformed (odd length, a non-digit).
Result<std::string> decode_hex(std::string_view hex);

}  // namespace ringmq
