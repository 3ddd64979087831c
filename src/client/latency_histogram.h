// LatencyHistogram: HdrHistogram-like log-linear buckets for latencies in nanoseconds. Values below
// 2 * kSubBuckets are exact; above, each power of two is split into kSubBuckets equal sub-buckets,
// so a reported percentile is within 1/kSubBuckets (~1.6 %) of the true value. Fixed memory
// (kBucketCount counters), no allocation when recording, mergeable. One owner thread; merge copies.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace ringmq::client {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 6;
  static constexpr std::int64_t kSubBuckets = std::int64_t{1} << kSubBucketBits;  // 64
  // Values up to 2^kMaxValueBits ns (~18 minutes) are tracked; larger ones land in the last bucket.
  static constexpr int kMaxValueBits = 40;
  static constexpr std::size_t kBucketCount =
      static_cast<std::size_t>((kMaxValueBits - kSubBucketBits + 1) * kSubBuckets + kSubBuckets);

  void record(std::int64_t value_ns);
  void merge(const LatencyHistogram& other);
  void reset();

  std::uint64_t count() const { return count_; }
  std::int64_t max() const { return max_; }
  std::int64_t min() const { return count_ == 0 ? 0 : min_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_); }
  // The smallest recorded bucket's upper value v such that at least `percentile`% of the values
  // are <= v (the exact max for 100). 0 when empty.
  std::int64_t percentile(double percentile) const;

  // Bucket arithmetic, exposed for tests.
  static std::size_t bucket_of(std::int64_t value);
  // The highest value that maps to `bucket`.
  static std::int64_t bucket_upper(std::size_t bucket);

 private:
  std::array<std::uint64_t, kBucketCount> counts_{};
  std::uint64_t count_ = 0;
  std::int64_t sum_ = 0;
  std::int64_t max_ = 0;
  std::int64_t min_ = INT64_MAX;
};

}  // namespace ringmq::client
