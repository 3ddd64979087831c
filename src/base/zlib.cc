#include "base/zlib.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>

namespace ringmq {

Result<std::string> zlib_compress(std::string_view data, int level) {
  uLongf bound = compressBound(static_cast<uLong>(data.size()));
  std::string out(bound, '\0');
  const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &bound, reinterpret_cast<const Bytef*>(data.data()),
                           static_cast<uLong>(data.size()), level);
  if (rc != Z_OK) return make_error(Errc::io, fmt::format("zlib compress2 failed: {}", rc));
  out.resize(bound);
  return out;
}

Result<std::string> zlib_inflate(std::string_view data, std::size_t max_bytes) {
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return make_error(Errc::io, "zlib inflateInit failed");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  int rc = Z_OK;
  while (rc == Z_OK) {
    const std::size_t used = out.size();
    if (used >= max_bytes) break;
    out.resize(std::min(max_bytes, std::max<std::size_t>(used * 2, data.size() * 4 + 64)));
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    stream.avail_out = static_cast<uInt>(out.size() - used);
    rc = inflate(&stream, Z_NO_FLUSH);
    out.resize(out.size() - stream.avail_out);
  }
  const std::string detail = stream.msg != nullptr ? stream.msg : "?";
  inflateEnd(&stream);
  if (rc == Z_STREAM_END) return out;
  if (rc == Z_OK) return make_error(Errc::too_large, fmt::format("zlib stream inflates past {} bytes", max_bytes));
  if (rc == Z_BUF_ERROR) return make_error(Errc::malformed, "zlib stream is truncated");
  return make_error(Errc::malformed, fmt::format("not a zlib stream ({})", detail));
}

}  // namespace ringmq
