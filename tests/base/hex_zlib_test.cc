#include <doctest/doctest.h>

#include <string>

#include "base/hex.h"
#include "base/zlib.h"

using namespace ringmq;

TEST_CASE("hex: upper case by default (Java's bytes2string), lower on request, and back") {
  const std::string raw("\x00\x7f\xab\xff", 4);
  std::string out = "id=";
  append_hex(as_bytes(raw), out);
  CHECK(out == "id=007FABFF");
  std::string lower;
  append_hex(as_bytes(raw), lower, HexCase::lower);
  CHECK(lower == "007fabff");
  CHECK(decode_hex("007FabfF").value() == raw);
  CHECK(decode_hex("").value().empty());
  CHECK_FALSE(decode_hex("abc").ok());
  CHECK_FALSE(decode_hex("zz").ok());
  CHECK(hex_digit(0xA) == 'A');
  CHECK(hex_value('f') == 15);
  CHECK(hex_value('g') == -1);
}

TEST_CASE("zlib: a round trip, the inflate limit, and broken streams") {
  const std::string text(100'000, 'a');
  const std::string packed = zlib_compress(text, 9).value();
  CHECK(packed.size() < 1000);
  CHECK(static_cast<unsigned char>(packed[0]) == 0x78);  // a zlib header, as Deflater writes
  CHECK(zlib_inflate(packed, text.size()).value() == text);
  const auto over = zlib_inflate(packed, text.size() - 1);
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == Errc::too_large);
  const auto truncated = zlib_inflate(std::string_view(packed).substr(0, packed.size() / 2), text.size());
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.error().code == Errc::malformed);
  CHECK(zlib_inflate("not zlib at all", 1000).error().code == Errc::malformed);
}
