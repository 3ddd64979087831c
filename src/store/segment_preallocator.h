// Creates the next CommitLog segment (full size, zero-filled, fdatasync'ed, mapped) on a helper
// thread, so an append that rolls never waits for a new file.
//
// Why a thread in a passive library: pre-writing 1 GiB and syncing it takes seconds of blocking
// syscalls. Run on the reactor core, even in idle slots, it would stall every connection that core
// owns. The thread touches only the file it is asked to make, which no one else can see until
// take() hands it over, so the data path stays lock-free: the owner takes the mutex once per
// segment roll and once per request. When `enabled` is false the owner must call
// CommitLog::prepare_next_segment() itself (tests do, to stay deterministic).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/result.h"
#include "store/mapped_file.h"

namespace ringmq::store {

class SegmentPreallocator {
 public:
  explicit SegmentPreallocator(std::size_t segment_bytes);
  ~SegmentPreallocator();  // finishes the file in progress, then joins

  SegmentPreallocator(const SegmentPreallocator&) = delete;
  SegmentPreallocator& operator=(const SegmentPreallocator&) = delete;

  // Asks for the segment at `start` (file `path`). Replaces a request not yet started; a no-op if
  // that segment is already requested or made.
  void request(std::string path, std::int64_t start);
  // The segment at `start` if it was made: nullopt if not requested or not ready (and !wait).
  // With wait, blocks until the requested segment is ready.
  std::optional<Result<MappedFilePtr>> take(std::int64_t start, bool wait);

 private:
  void run();

  const std::size_t segment_bytes_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::pair<std::string, std::int64_t>> pending_;  // guarded by mu_
  std::int64_t working_on_ = -1;                                  // guarded by mu_
  std::optional<std::pair<std::int64_t, Result<MappedFilePtr>>> ready_;  // guarded by mu_
  bool stop_ = false;                                             // guarded by mu_
  std::thread thread_;
};

}  // namespace ringmq::store
