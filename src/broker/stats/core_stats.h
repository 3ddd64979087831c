// CoreStats: one core's running totals of puts, gets and flushes (RocketMQ StoreStatsService),
// summed over the cores for GET_BROKER_RUNTIME_INFO and /metrics. Touched only by its core.
#pragma once

#include <cstddef>
#include <cstdint>

#include "broker/stats/latency_histogram.h"

namespace ringmq::broker {

// StoreStatsService's putMessageDistributeTime buckets, by whole milliseconds as Java counts:
// [<=0ms] [0~10ms] [10~50ms] ... [5~10s] [10s~]; bucket i >= 1 holds kPutLatencyBoundsMs[i - 1] <=
// ms < kPutLatencyBoundsMs[i] (bucket 1 starts at 1 ms).
inline constexpr std::size_t kPutLatencyBuckets = 13;
inline constexpr std::int64_t kPutLatencyBoundsMs[kPutLatencyBuckets - 1] = {0,    10,   50,   100,  200,  500,
                                                                             1000, 2000, 3000, 4000, 5000, 10000};
inline std::size_t put_latency_bucket(std::int64_t elapsed_us) {
  const std::int64_t ms = elapsed_us / 1000;
  if (ms <= 0) return 0;
  std::size_t i = 1;
  while (i < kPutLatencyBuckets - 1 && ms >= kPutLatencyBoundsMs[i]) ++i;
  return i;
}

// Sync-flush group sizes (sends made durable by one flush round): upper bounds; the last is open.
inline constexpr std::size_t kFlushGroupBuckets = 10;
inline constexpr std::uint64_t kFlushGroupBounds[kFlushGroupBuckets - 1] = {1, 2, 4, 8, 16, 32, 64, 128, 256};

// Per-core statistics, summed over the cores for GET_BROKER_RUNTIME_INFO.
struct CoreStats {
  std::uint64_t put_messages = 0;
  std::uint64_t put_bytes = 0;
  std::int64_t put_time_max_us = 0;
  std::uint64_t get_messages = 0;
  std::uint64_t get_bytes = 0;
  std::uint64_t get_found_requests = 0;  // pulls that found messages
  std::uint64_t get_miss_requests = 0;   // pulls that found none
  std::uint64_t put_latency_buckets[kPutLatencyBuckets] = {};
  std::uint64_t put_latency_sum_us = 0;
  std::uint64_t flush_disk_timeouts = 0;  // sync sends answered FLUSH_DISK_TIMEOUT
  std::uint64_t put_failures = 0;         // sends the store refused (putMessageFailedTimes)
  std::uint64_t flush_group_buckets[kFlushGroupBuckets] = {};
  std::uint64_t flush_group_sends = 0;    // sum of the group sizes
  LatencyHistogram pull_latency;   // PULL arrival (or wake-up from a long poll) to its reply
  LatencyHistogram flush_latency;  // one CommitLog flush round: first fsync submitted to the last done

  void record_flush_group(std::size_t sends) {
    std::size_t i = 0;
    while (i < kFlushGroupBuckets - 1 && sends > kFlushGroupBounds[i]) ++i;
    ++flush_group_buckets[i];
    flush_group_sends += sends;
  }
};

}  // namespace ringmq::broker
