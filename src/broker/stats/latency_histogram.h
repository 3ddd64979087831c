// LatencyHistogram: a fixed-bucket latency histogram for Prometheus (`_bucket{le}`, `_sum`,
// `_count`), one per core and kind (pull processing, CommitLog flush rounds). Recording is a few
// compares and two adds on the owning core; the exporter sums the cores' copies.
//
// Core affinity: each instance is written by one core only; the metrics gather reads it on that
// same core.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace ringmq::broker {

// Upper bounds (microseconds) of the buckets; the last bucket (+Inf) is implicit. From 100 us (a
// pull served from the page cache) to 10 s (a flush on a saturated disk, past the default
// syncFlushTimeout of 5 s).
inline constexpr std::size_t kLatencyBucketBounds = 16;
inline constexpr std::array<std::int64_t, kLatencyBucketBounds> kLatencyBoundsUs = {
    100, 250, 500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 500'000, 1'000'000,
    2'500'000, 5'000'000, 10'000'000};

struct LatencyHistogram {
  std::array<std::uint64_t, kLatencyBucketBounds + 1> buckets{};  // not cumulative; last is +Inf
  std::uint64_t sum_us = 0;

  void record(std::int64_t elapsed_us) {
    if (elapsed_us < 0) elapsed_us = 0;
    std::size_t i = 0;
    while (i < kLatencyBucketBounds && elapsed_us > kLatencyBoundsUs[i]) ++i;
    ++buckets[i];
    sum_us += static_cast<std::uint64_t>(elapsed_us);
  }
  void add(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < buckets.size(); ++i) buckets[i] += other.buckets[i];
    sum_us += other.sum_us;
  }
  std::uint64_t count() const {
    std::uint64_t n = 0;
    for (auto b : buckets) n += b;
    return n;
  }
};

}  // namespace ringmq::broker
