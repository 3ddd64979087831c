// CommitLog flush rounds (group commit) and segment retention; the append and recovery paths are
// in commit_log.cc.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/log.h"
#include "base/log_limiter.h"
#include "store/commit_log.h"

namespace ringmq::store {

void CommitLog::begin_flush(FlushPlan& plan) {
  plan.clear();
  commit_staged();  // what the round syncs must be in the page cache first
  if (flush_in_flight_ != 0 || durable_ >= write_ || failed_) return;
  const std::int64_t seg_bytes = static_cast<std::int64_t>(options_.segment_bytes);
  for (PhysicalOffset pos = durable_; pos < write_;) {
    const MappedFilePtr* seg = find_segment(pos);
    RINGMQ_ASSERT(seg != nullptr);
    const std::int64_t seg_end = (*seg)->start() + seg_bytes;
    // A segment we rolled away from is synced to its end so its blank marker is durable too:
    // without it recovery would stop in that segment and never reach the next.
    const std::int64_t end = std::min(seg_end, write_.value);
    const std::int64_t sync_end = end == write_.value ? end : seg_end;
    plan.ranges.push_back(FlushRange{(*seg)->fd(), pos.value - (*seg)->start(), sync_end - pos.value});
    plan.pins.push_back(*seg);
    pos = PhysicalOffset{seg_end};
  }
  plan.covers = write_;
  plan.covers_timestamp_ms = last_timestamp_ms_;
  plan.id = next_flush_id_++;
  flush_in_flight_ = plan.id;
}

Status CommitLog::complete_flush(FlushPlan& plan, int result) {
  RINGMQ_ASSERT(!plan.empty() && plan.id == flush_in_flight_);
  flush_in_flight_ = 0;
  const PhysicalOffset covers = plan.covers;
  const std::int64_t covers_timestamp_ms = plan.covers_timestamp_ms;
  plan.clear();
  if (result != 0) {
    Error e = make_sys_error(-result, fmt::format("fdatasync commitlog shard {} up to offset {}", shard_.value, covers.value));
    log_error("{}; refusing appends from now on", e.to_string());
    failed_ = e;
    return e;
  }
  RINGMQ_ASSERT(covers >= durable_ && covers <= write_);
  durable_ = covers;
  durable_timestamp_ms_ = covers_timestamp_ms;
  evict_cold_pages();
  return {};
}

void CommitLog::evict_cold_pages() {
  if (options_.page_cache_keep_bytes == 0 || segments_.empty()) return;
  const std::int64_t target = durable_.value - static_cast<std::int64_t>(options_.page_cache_keep_bytes);
  const std::int64_t from = std::max(evicted_to_, segments_.front()->start());
  if (target - from < kEvictStepBytes) return;
  for (PhysicalOffset pos{from}; pos.value < target;) {
    const MappedFilePtr* seg = find_segment(pos);
    if (seg == nullptr) break;
    const std::int64_t seg_end = (*seg)->start() + static_cast<std::int64_t>((*seg)->size());
    // Whole pages only: each one lies entirely below target.
    const auto begin = static_cast<std::size_t>(pos.value - (*seg)->start()) / kAllocatePageBytes * kAllocatePageBytes;
    const auto end = static_cast<std::size_t>(std::min(target, seg_end) - (*seg)->start()) / kAllocatePageBytes * kAllocatePageBytes;
    if (end > begin) {
      // Advisory: a failure only keeps pages cached. The mapping's own references go first, or
      // the page cache could not let go of pages a pull once mapped in.
      if (::madvise((*seg)->data() + begin, end - begin, MADV_DONTNEED) != 0 ||
          ::posix_fadvise((*seg)->fd(), static_cast<off_t>(begin), static_cast<off_t>(end - begin), POSIX_FADV_DONTNEED) != 0) {
        static LogLimiter limiter;
        RINGMQ_LOG_LIMITED(limiter, log_warn, "commitlog shard {}: dropping cached pages of {}: {}", shard_.value,
                           (*seg)->path(), std::strerror(errno));
      }
    }
    pos = PhysicalOffset{std::min(target, seg_end)};
  }
  evicted_to_ = target;
}

PhysicalOffset CommitLog::min_offset() const {
  return segments_.empty() ? write_ : PhysicalOffset{segments_.front()->start()};
}

std::int64_t CommitLog::last_store_timestamp_in(std::size_t i) const {
  // Store times only grow along the log, so the first record of segment i + 1 is no older than
  // anything in segment i: an O(1) bound instead of scanning a whole segment.
  if (i + 1 >= segments_.size()) return 0;
  commit_staged();  // segment i + 1 may be the write segment
  const MappedFilePtr& next = segments_[i + 1];
  if (next->start() >= write_.value) return 0;
  const ParseResult r = parse_record(Bytes(next->data(), next->size()), false);
  return r.status == ParseStatus::record ? r.record.store_timestamp_ms : 0;
}

Status CommitLog::delete_oldest_segment(std::string_view why) {
  RINGMQ_ASSERT(segments_.size() > 1);
  const MappedFilePtr& oldest = segments_.front();
  RINGMQ_ASSERT(!pinned(oldest));
  RINGMQ_ASSERT(oldest->start() + static_cast<std::int64_t>(options_.segment_bytes) <= durable_.value);
  RINGMQ_TRY(oldest->unlink());
  log_info("commitlog shard {}: deleted segment {}: {}", shard_.value, oldest->path(), why);
  segments_.pop_front();
  return {};
}

}  // namespace ringmq::store
