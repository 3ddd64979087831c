// Clocks. Wall-clock milliseconds are what RocketMQ stores (born/store timestamps); monotonic time
// is for timeouts and latency measurement.
#pragma once

#include <cstdint>
#include <ctime>

namespace ringmq {

inline std::int64_t wall_clock_ms() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

inline std::int64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

inline std::int64_t monotonic_ms() { return monotonic_ns() / 1000000; }

}  // namespace ringmq
