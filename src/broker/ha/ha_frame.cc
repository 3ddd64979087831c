#include "broker/ha/ha_frame.h"

#include <fmt/format.h>

namespace ringmq::broker::ha {

void encode_ha_header(const HaFrame& f, std::uint8_t* out) {
  auto* h = reinterpret_cast<HaFrameHeaderDisk*>(out);
  store_be32(h->magic, kHaMagic);
  h->version = kHaVersion;
  h->kind = static_cast<std::uint8_t>(f.kind);
  store_be16(h->shard, f.shard);
  store_be32(h->shard_count, f.shard_count);
  store_be32(h->body_bytes, f.body_bytes);
  store_be32(h->reserved, 0);
  store_be64(h->offset, static_cast<std::uint64_t>(f.offset));
  store_be32(h->flags, f.flags);
}

std::string encode_ha_header(const HaFrame& f) {
  std::string out(kHaHeaderBytes, '\0');
  encode_ha_header(f, reinterpret_cast<std::uint8_t*>(out.data()));
  return out;
}

Result<HaFrame> decode_ha_header(Bytes header, std::size_t body_bytes_max) {
  if (header.size() < kHaHeaderBytes) return make_error(Errc::invalid_argument, "short HA header");
  const auto* h = reinterpret_cast<const HaFrameHeaderDisk*>(header.data());
  if (load_be32(h->magic) != kHaMagic)
    return make_error(Errc::invalid_argument, fmt::format("not an HA frame (magic {:#010x})", load_be32(h->magic)));
  if (h->version != kHaVersion)
    return make_error(Errc::invalid_argument, fmt::format("HA version {} (this broker speaks {})", h->version, kHaVersion));
  if (h->kind < static_cast<std::uint8_t>(HaKind::hello) || h->kind > static_cast<std::uint8_t>(HaKind::refuse))
    return make_error(Errc::invalid_argument, fmt::format("unknown HA frame kind {}", h->kind));
  HaFrame f;
  f.kind = static_cast<HaKind>(h->kind);
  f.shard = load_be16(h->shard);
  f.shard_count = load_be32(h->shard_count);
  f.body_bytes = load_be32(h->body_bytes);
  f.offset = static_cast<std::int64_t>(load_be64(h->offset));
  f.flags = load_be32(h->flags);
  std::size_t max = 0;
  if (f.kind == HaKind::data) max = body_bytes_max;
  if (f.kind == HaKind::refuse) max = kHaRefuseBytesMax;
  if (f.body_bytes > max)
    return make_error(Errc::invalid_argument, fmt::format("HA frame kind {} with a {}-byte body (at most {})", h->kind,
                                                          f.body_bytes, max));
  if (f.offset < kHaOffsetEmpty || (f.offset == kHaOffsetEmpty && f.kind != HaKind::hello))
    return make_error(Errc::invalid_argument, fmt::format("HA frame offset {}", f.offset));
  return f;
}

Result<std::optional<std::pair<HaFrame, Bytes>>> HaFrameReader::next() {
  if (consumed_ > 0 && consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  } else if (consumed_ > (1u << 20) && consumed_ * 2 > buffer_.size()) {
    buffer_.erase(0, consumed_);  // keep the buffer from growing without bound
    consumed_ = 0;
  }
  if (buffered() < kHaHeaderBytes) return std::optional<std::pair<HaFrame, Bytes>>{};
  const auto* base = reinterpret_cast<const std::uint8_t*>(buffer_.data()) + consumed_;
  RINGMQ_TRY_ASSIGN(HaFrame f, decode_ha_header(Bytes(base, kHaHeaderBytes), body_bytes_max_));
  if (buffered() < kHaHeaderBytes + f.body_bytes) return std::optional<std::pair<HaFrame, Bytes>>{};
  consumed_ += kHaHeaderBytes + f.body_bytes;
  return std::optional<std::pair<HaFrame, Bytes>>{std::pair{f, Bytes(base + kHaHeaderBytes, f.body_bytes)}};
}

}  // namespace ringmq::broker::ha
