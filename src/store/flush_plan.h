// What to make durable, as data: the store decides, the broker executes.
//
// The store never calls fdatasync on the data path. It fills a FlushPlan (caller-owned, reused
// across rounds so a round allocates nothing once warm) with one range per file to sync; the broker
// submits one IORING_OP_FSYNC (IORING_FSYNC_DATASYNC, off = file_offset, len = length) per range,
// and when every completion is in, hands the plan back with the first error (0 if none). Files
// written through a MAP_SHARED mapping are covered by fdatasync on their descriptor: the kernel
// dirties the page on the first write fault. execute_flush_plan() does the same with blocking
// syscalls for tests, tools and brokers without io_uring.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "store/mapped_file.h"
#include "store/types.h"

namespace ringmq::store {

struct FlushRange {
  int fd = -1;
  std::int64_t file_offset = 0;
  std::int64_t length = 0;
};

struct FlushPlan {
  std::vector<FlushRange> ranges;
  // Holds every file in `ranges` open and mapped until the plan is completed or dropped.
  std::vector<MappedFilePtr> pins;
  // CommitLog plans: every byte before `covers` is durable once all ranges are synced.
  PhysicalOffset covers;
  // Store time of the newest record the plan covers (goes into the checkpoint).
  std::int64_t covers_timestamp_ms = 0;
  std::uint64_t id = 0;  // 0 = empty plan, nothing to do

  bool empty() const { return id == 0; }
  void clear() {
    ranges.clear();
    pins.clear();
    covers = {};
    covers_timestamp_ms = 0;
    id = 0;
  }
};

// Issues the plan with blocking fdatasync calls. Returns 0 or the first -errno, the same value an
// io_uring driven broker passes to complete_*().
int execute_flush_plan(const FlushPlan& plan);

}  // namespace ringmq::store
