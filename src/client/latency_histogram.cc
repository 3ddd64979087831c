#include "client/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ringmq::client {

// Layout: values < 2*kSubBuckets map to themselves (buckets 0 .. 2*kSubBuckets-1). A larger value
// with its highest set bit at position p (p >= kSubBucketBits+1) is shifted right by
// s = p - kSubBucketBits, leaving a number in [kSubBuckets, 2*kSubBuckets); its bucket is
// (s+1)*kSubBuckets + (shifted - kSubBuckets).
std::size_t LatencyHistogram::bucket_of(std::int64_t value) {
  if (value < 0) value = 0;
  const auto v = static_cast<std::uint64_t>(value);
  if (v < static_cast<std::uint64_t>(2 * kSubBuckets)) return static_cast<std::size_t>(v);
  const int p = 63 - std::countl_zero(v);
  const int s = p - kSubBucketBits;
  const std::size_t bucket = static_cast<std::size_t>((s + 1) * kSubBuckets) +
                             static_cast<std::size_t>((v >> s) - static_cast<std::uint64_t>(kSubBuckets));
  return std::min(bucket, kBucketCount - 1);
}

std::int64_t LatencyHistogram::bucket_upper(std::size_t bucket) {
  if (bucket < static_cast<std::size_t>(2 * kSubBuckets)) return static_cast<std::int64_t>(bucket);
  const auto s = static_cast<int>(bucket / kSubBuckets) - 1;
  const auto shifted = static_cast<std::int64_t>(bucket % kSubBuckets) + kSubBuckets;
  return ((shifted + 1) << s) - 1;
}

void LatencyHistogram::record(std::int64_t value_ns) {
  if (value_ns < 0) value_ns = 0;
  ++counts_[bucket_of(value_ns)];
  ++count_;
  sum_ += value_ns;
  max_ = std::max(max_, value_ns);
  min_ = std::min(min_, value_ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

void LatencyHistogram::reset() { *this = LatencyHistogram{}; }

std::int64_t LatencyHistogram::percentile(double percentile) const {
  if (count_ == 0) return 0;
  if (percentile >= 100.0) return max_;
  const auto wanted = static_cast<std::uint64_t>(std::ceil(percentile / 100.0 * static_cast<double>(count_)));
  const std::uint64_t target = std::max<std::uint64_t>(wanted, 1);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= target) return std::min(bucket_upper(i), max_);
  }
  return max_;
}

}  // namespace ringmq::client
