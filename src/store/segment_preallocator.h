// Creates the next CommitLog segment (sparse, full size, its first chunk of blocks reserved as
// make_segment() says, mapped) on a helper thread, so an append that rolls never waits for a new
// file; and reserves the blocks of the write segment in bounded chunks ahead of the write position
// (request_allocation), so appends rarely wait for fallocate either.
//
// Why sparse: reserving whole 1 GiB segments up front (two per shard) took gigabytes of disk at
// start and seconds before a fresh sync-flush broker's first send. Blocks are reserved chunk by
// chunk instead, always before the writer touches a page, so a full disk is an error at
// reservation and never a failed writeback of data already acknowledged.
//
// Why a thread in a passive library: fallocate and zero-writing are blocking
// syscalls. Run on the reactor core they would stall every connection that core owns. The thread
// touches only the file it is asked to make (no one else sees it until take() hands it over) and
// the range past the write position of the write segment (MappedFile::allocate_to orders it with
// the owner), so the data path stays lock-free: the owner takes the mutex once per roll and once
// per chunk. Without the thread the owner calls CommitLog::prepare_next_segment() itself and
// reserves its chunks inline (tests do, to stay deterministic).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/result.h"
#include "store/mapped_file.h"

namespace ringmq::store {

// How a new segment's blocks are reserved.
enum class SegmentPrewrite {
  // Zeros written and fdatasync'ed: every byte goes to disk twice, but a later fdatasync only
  // writes data. Pays off when appends wait for fdatasync (--flush sync).
  zero_fill,
  // fallocate only (unwritten extents read as zeros, which recovery's end-of-data check needs):
  // no zeros are written, but each fdatasync also converts the extents it covers. For
  // --flush async, where no one waits for fdatasync.
  allocate_only,
};

// Blocks reserved per allocate_to() step of the write segment, and how far ahead of the write
// position the helper keeps them (between ahead - chunk and ahead): a fresh shard holds about
// 12 MiB in its write segment and one chunk in the next.
inline constexpr std::size_t kSegmentAllocateChunkBytes = std::size_t{4} << 20;
inline constexpr std::size_t kSegmentAllocateAheadBytes = std::size_t{8} << 20;

struct SegmentSpec {
  std::size_t segment_bytes = 0;
  SegmentPrewrite prewrite = SegmentPrewrite::zero_fill;

  // Disk usage (0..1) from which no new segment is made (Errc::no_space): RocketMQ's
  // diskSpaceWarningLevelRatio, checked before each segment as well as on the broker's timer.
  // 1.0 (or more) = never refuse.
  double refuse_at_usage = 1.0;

  AllocateMode allocate_mode() const { return AllocateMode{prewrite == SegmentPrewrite::zero_fill}; }
};

// Creates (sparse, size synced), maps and reserves the first kSegmentAllocateChunkBytes of the
// segment at `start` (file `path`) as `spec` says.
Result<MappedFilePtr> make_segment(std::string path, std::int64_t start, const SegmentSpec& spec);

class SegmentPreallocator {
 public:
  explicit SegmentPreallocator(const SegmentSpec& spec);
  ~SegmentPreallocator();  // finishes the file in progress, then joins

  SegmentPreallocator(const SegmentPreallocator&) = delete;
  SegmentPreallocator& operator=(const SegmentPreallocator&) = delete;

  // Asks for the segment at `start` (file `path`). Replaces a request not yet started; a no-op if
  // that segment is already requested or made.
  void request(std::string path, std::int64_t start);
  // The segment at `start` if it was made: nullopt if not requested or not ready (and !wait).
  // With wait, blocks until the requested segment is ready.
  std::optional<Result<MappedFilePtr>> take(std::int64_t start, bool wait);
  // Asks for blocks of `file` up to `end` (MappedFile::allocate_to). Replaces a request not yet
  // started. A failure is logged; the owner's own allocate_to() then reports it.
  void request_allocation(MappedFilePtr file, std::size_t end);

  // CPU time the helper thread spent making segments, and how many it made (any thread may read).
  std::uint64_t cpu_ns() const { return cpu_ns_.load(std::memory_order_relaxed); }
  std::uint64_t segments_made() const { return segments_made_.load(std::memory_order_relaxed); }

 private:
  void run();

  const SegmentSpec spec_;
  std::atomic<std::uint64_t> cpu_ns_{0};
  std::atomic<std::uint64_t> segments_made_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::pair<std::string, std::int64_t>> pending_;  // guarded by mu_
  std::int64_t working_on_ = -1;                                  // guarded by mu_
  std::optional<std::pair<std::int64_t, Result<MappedFilePtr>>> ready_;  // guarded by mu_
  std::optional<std::pair<MappedFilePtr, std::size_t>> pending_allocation_;  // guarded by mu_
  bool stop_ = false;                                             // guarded by mu_
  std::thread thread_;
};

}  // namespace ringmq::store
