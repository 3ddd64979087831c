#include "base/hash.h"

#include <isa-l/crc.h>

namespace ringmq {

std::uint32_t crc32(Bytes data) { return crc32_extend(0, data); }

// ISA-L's crc32_gzip_refl is the reflected IEEE CRC-32 of zlib and java.util.zip.CRC32 (same
// polynomial, pre- and post-inversion, chainable through its seed), computed with PCLMULQDQ where
// the CPU has it. zlib 1.2's table code took 5.5% of the broker's CPU on the send path (perf, sync
// sends of 1 KiB bodies): every record's body is checksummed.
std::uint32_t crc32_extend(std::uint32_t start, Bytes data) {
  return ::crc32_gzip_refl(start, data.data(), data.size());
}

std::int32_t java_string_hash(std::string_view utf8) {
  std::uint32_t h = 0;
  auto mix = [&h](std::uint32_t unit) { h = 31u * h + unit; };
  const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
  const std::size_t n = utf8.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    std::uint32_t cp;
    std::size_t len;
    if (c < 0x80) {
      cp = c, len = 1;
    } else if ((c >> 5) == 0x6 && i + 1 < n) {
      cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu), len = 2;
    } else if ((c >> 4) == 0xE && i + 2 < n) {
      cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu), len = 3;
    } else if ((c >> 3) == 0x1E && i + 3 < n) {
      cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu), len = 4;
    } else {
      cp = 0xFFFD, len = 1;  // Java decodes invalid UTF-8 to U+FFFD.
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      mix(0xD800 + (cp >> 10));
      mix(0xDC00 + (cp & 0x3FF));
    } else {
      mix(cp);
    }
    i += len;
  }
  return static_cast<std::int32_t>(h);
}

}  // namespace ringmq
