// Checksums and hashes that are part of RocketMQ's formats.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/bytes.h"

namespace ringmq {

// CRC-32 (IEEE, as java.util.zip.CRC32 and zlib compute it).
std::uint32_t crc32(Bytes data);
inline std::uint32_t crc32(std::string_view data) { return crc32(as_bytes(data)); }
// The CRC of (bytes that gave `crc`) followed by `data`.
std::uint32_t crc32_extend(std::uint32_t crc, Bytes data);

// Java String.hashCode() of a string, as RocketMQ computes tag codes and index keys. Java hashes
// UTF-16 code units; this decodes UTF-8 into UTF-16 units first so non-ASCII tags hash the same.
std::int32_t java_string_hash(std::string_view utf8);

}  // namespace ringmq
