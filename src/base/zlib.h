// zlib (RFC 1950) streams as java.util.zip.Deflater writes and Inflater reads them: compressed
// message bodies (sysFlag 0x1) and compressed RegisterBrokerBody.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmq {

// `level` 0-9 (Deflater's); Errc::io only if zlib fails (out of memory, bad level).
Result<std::string> zlib_compress(std::string_view data, int level);

// Inflates a whole stream. Errors: Errc::too_large when the output would pass `max_bytes` (a small
// "zip bomb" frame cannot allocate without bound), Errc::malformed when the stream is truncated or
// corrupt.
Result<std::string> zlib_inflate(std::string_view data, std::size_t max_bytes);

}  // namespace ringmq
