#include "store/flush_plan.h"

#include <unistd.h>

#include <cerrno>

#include "store/file_ops.h"

namespace ringmq::store {

int execute_flush_plan(const FlushPlan& plan) {
  int first_error = 0;
  for (const FlushRange& r : plan.ranges) {
    // fdatasync syncs the whole file; the range only narrows what io_uring's FSYNC writes back.
    if (fileops::fdatasync(r.fd) != 0 && first_error == 0) first_error = -errno;
  }
  return first_error;
}

}  // namespace ringmq::store
