#include <doctest/doctest.h>

#include <zlib.h>

#include <cstdint>
#include <string>

#include "base/hash.h"

using namespace ringmq;

TEST_CASE("hash: java_string_hash matches Java String.hashCode") {
  CHECK(java_string_hash("") == 0);
  CHECK(java_string_hash("TagA") == 2598919);                   // docs/PROTOCOL.md B.4
  CHECK(java_string_hash("TopicTest#ORDER-1") == -1111209712);  // B.5
  // "é" is one UTF-16 unit (0xE9); U+1F600 is a surrogate pair (0xD83D 0xDE00).
  CHECK(java_string_hash("\xc3\xa9") == 0xE9);
  CHECK(java_string_hash("\xf0\x9f\x98\x80") == static_cast<std::int32_t>(31u * 0xD83Du + 0xDE00u));
}

TEST_CASE("hash: crc32 is the IEEE CRC and its low 31 bits give RocketMQ's BODYCRC") {
  CHECK(crc32(std::string_view("123456789")) == 0xCBF43926u);
  CHECK((crc32(std::string_view("Hello RocketMQ")) & 0x7FFFFFFFu) == 1774740973u);  // B.3
}

TEST_CASE("hash: crc32_extend continues a CRC over more bytes") {
  const std::string a = "RocketMQ ", b = "record ", c = "bytes";
  const std::uint32_t whole = crc32(std::string_view(a + b + c));
  CHECK(crc32_extend(crc32(std::string_view(a)), as_bytes(std::string_view(b + c))) == whole);
  CHECK(crc32_extend(crc32(std::string_view(a)), as_bytes(std::string_view(""))) == crc32(std::string_view(a)));
}

TEST_CASE("hash: crc32 agrees with zlib's on every length and alignment the SIMD code splits on") {
  std::string data(1 << 20, '\0');
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (char& c : data) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  auto zlib_crc = [](std::string_view s) {
    return static_cast<std::uint32_t>(::crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
  };
  for (std::size_t offset = 0; offset < 16; ++offset) {
    for (std::size_t len = 0; len < 300; ++len) {
      const std::string_view s(data.data() + offset, len);
      REQUIRE(crc32(s) == zlib_crc(s));
    }
  }
  const std::string_view big(data.data() + 3, data.size() - 3);
  CHECK(crc32(big) == zlib_crc(big));
  CHECK(crc32_extend(crc32(big.substr(0, 1000)), as_bytes(big.substr(1000))) == zlib_crc(big));
}
