#include "broker/fsync_round.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/log.h"

namespace ringmq::broker {

int sync_range_now(const store::FlushRange& range) {
  if (::fdatasync(range.fd) == 0) return 0;
  const int err = errno;
  log_error("fdatasync failed: {}", std::strerror(err));
  return -err;
}

}  // namespace ringmq::broker
