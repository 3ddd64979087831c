// CommitLog::append_raw: the slave side of replication (docs/ARCHITECTURE.md §10). The master's
// bytes are written verbatim, so the slave's log is the master's byte for byte, segment for
// segment: same start offsets, same blank markers, same records.
#include <fmt/format.h>

#include "store/commit_log.h"

namespace ringmq::store {

Status CommitLog::append_raw(PhysicalOffset at, Bytes bytes, bool blank_tail, std::int64_t last_timestamp_ms) {
  if (failed_) return make_error(failed_->code, "commitlog refuses appends after a failed flush: " + failed_->detail);
  commit_staged();  // a slave stages nothing itself; this keeps [visible_, write_) empty regardless
  const auto seg_bytes = static_cast<std::int64_t>(options_.segment_bytes);
  if (segments_.empty() && at != write_) {
    // An empty slave starts at the master's oldest retained segment.
    if (at < shard_base(shard_) || at >= shard_limit(shard_) || (at.value - shard_base(shard_).value) % seg_bytes != 0)
      return make_error(Errc::invalid_argument,
                        fmt::format("replica bytes at {} do not start a segment of shard {}", at.value, shard_.value));
    write_ = durable_ = visible_ = at;
  }
  if (at != write_)
    return make_error(Errc::invalid_argument,
                      fmt::format("replica bytes at {} but commitlog shard {} ends at {}", at.value, shard_.value, write_.value));
  // Creates the first segment, or rolls when the write offset sits at a segment's end.
  RINGMQ_TRY(reserve(0));
  const auto left = static_cast<std::size_t>(write_segment_end() - write_.value);
  if (bytes.size() > left)
    return make_error(Errc::invalid_argument, fmt::format("replica bytes at {} ({} bytes) cross the end of segment {}",
                                                          at.value, bytes.size(), segments_.back()->start()));
  RINGMQ_TRY(ensure_allocated(bytes.size()));
  const MappedFilePtr& seg = segments_.back();
  // pwrite, not a store through the mapping, for the reasons appends use it (commit_log.h).
  RINGMQ_TRY(write_to_segment(*seg, static_cast<std::size_t>(write_.value - seg->start()), bytes.data(), bytes.size()));
  write_ = write_ + static_cast<std::int64_t>(bytes.size());
  if (blank_tail) write_ = PhysicalOffset{write_segment_end()};
  visible_ = write_;
  if (last_timestamp_ms != 0) last_timestamp_ms_ = last_timestamp_ms;
  return {};
}

}  // namespace ringmq::store
