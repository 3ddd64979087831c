// Creates the next CommitLog segment (full size, blocks reserved as make_segment() says,
// fdatasync'ed, mapped, optionally prefaulted) on a helper thread, so an append that rolls never
// waits for a new file.
//
// Why a thread in a passive library: pre-writing 1 GiB and syncing it takes seconds of blocking
// syscalls. Run on the reactor core, even in idle slots, it would stall every connection that core
// owns. The thread touches only the file it is asked to make, which no one else can see until
// take() hands it over, so the data path stays lock-free: the owner takes the mutex once per
// segment roll and once per request. When `enabled` is false the owner must call
// CommitLog::prepare_next_segment() itself (tests do, to stay deterministic).
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

struct SegmentSpec {
  std::size_t segment_bytes = 0;
  SegmentPrewrite prewrite = SegmentPrewrite::zero_fill;
  // Fault the whole mapping in writable after creating it (MappedFile::prefault_for_write), so
  // the owner core takes no first-touch page faults while appending.
  bool prefault = true;
};

// Creates, sizes, reserves and maps the segment at `start` (file `path`) as `spec` says. A failed
// prefault is logged and ignored: it only costs the owner page faults.
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
  bool stop_ = false;                                             // guarded by mu_
  std::thread thread_;
};

}  // namespace ringmq::store
