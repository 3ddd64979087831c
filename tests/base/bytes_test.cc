#include <doctest/doctest.h>

#include "base/bytes.h"

using namespace ringmq;

TEST_CASE("bytes: big-endian store and load round-trip") {
  unsigned char buf[8];
  store_be32(buf, 0x01020304u);
  CHECK(buf[0] == 1);
  CHECK(buf[3] == 4);
  CHECK(load_be32(buf) == 0x01020304u);
  store_be64(buf, 0x1122334455667788ull);
  CHECK(buf[0] == 0x11);
  CHECK(load_be64(buf) == 0x1122334455667788ull);
  store_be16(buf, 0xABCD);
  CHECK(load_be16(buf) == 0xABCD);
}

TEST_CASE("bytes: a reader fails on a short read and stays failed") {
  std::string data("\x00\x00\x00\x2a\x07", 5);
  ByteReader r(as_bytes(data));
  CHECK(r.i32() == 42);
  CHECK(r.ok());
  CHECK(r.u16() == 0);  // only one byte left
  CHECK_FALSE(r.ok());
  CHECK(r.u8() == 0);  // the remaining byte is not handed out after a failure
  CHECK_FALSE(r.ok());
}

TEST_CASE("bytes: the writer appends big-endian and patches a length") {
  std::string out;
  ByteWriter w(out);
  w.u32(0);
  w.i16(-2);
  w.bytes(std::string_view("ab"));
  w.patch_u32(0, static_cast<std::uint32_t>(w.size()));
  REQUIRE(out.size() == 8);
  CHECK(load_be32(out.data()) == 8);
  CHECK(static_cast<std::int16_t>(load_be16(out.data() + 4)) == -2);
  CHECK(out.substr(6) == "ab");
}
