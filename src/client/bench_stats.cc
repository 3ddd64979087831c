#include "client/bench_stats.h"

#include <fmt/format.h>

#include "base/json_writer.h"

namespace ringmq::client {

namespace {

constexpr double kNsPerMs = 1e6;
constexpr double kBytesPerMiB = 1024.0 * 1024.0;

}  // namespace

void BenchSample::merge(const BenchSample& other) {
  msgs += other.msgs;
  bytes += other.bytes;
  errors += other.errors;
  latency.merge(other.latency);
}

BenchStats::BenchStats(std::size_t shards) {
  for (std::size_t i = 0; i < std::max<std::size_t>(shards, 1); ++i) shards_.push_back(std::make_unique<Shard>());
}

void BenchStats::record(std::size_t shard, std::uint64_t msgs, std::uint64_t bytes, std::int64_t latency_ns) {
  Shard& s = *shards_[shard % shards_.size()];
  std::lock_guard lock(s.mutex);
  s.sample.msgs += msgs;
  s.sample.bytes += bytes;
  if (latency_ns >= 0) s.sample.latency.record(latency_ns);
}

void BenchStats::record_error(std::size_t shard, std::uint64_t count) {
  Shard& s = *shards_[shard % shards_.size()];
  std::lock_guard lock(s.mutex);
  s.sample.errors += count;
}

BenchSample BenchStats::collect() {
  BenchSample total;
  for (auto& shard : shards_) {
    BenchSample taken;
    {
      std::lock_guard lock(shard->mutex);
      taken = std::move(shard->sample);
      shard->sample = BenchSample{};
    }
    total.merge(taken);
  }
  return total;
}

std::string format_sample_text(const std::string& label, int second, double elapsed_s, const BenchSample& sample) {
  const double seconds = elapsed_s > 0 ? elapsed_s : 1.0;
  const auto& h = sample.latency;
  std::string when = second < 0 ? fmt::format("warmup{:>3}", second) : fmt::format("{:>9}", second);
  return fmt::format("{} {} {:>11.0f} msgs/s {:>9.2f} MB/s  p50 {:>8.3f}  p99 {:>8.3f}  p999 {:>8.3f}  max {:>9.3f} ms"
                     "  errors {}",
                     label, when, static_cast<double>(sample.msgs) / seconds,
                     static_cast<double>(sample.bytes) / kBytesPerMiB / seconds, h.percentile(50) / kNsPerMs,
                     h.percentile(99) / kNsPerMs, h.percentile(99.9) / kNsPerMs, h.max() / kNsPerMs, sample.errors);
}

std::string format_sample_json(const std::string& label, int second, double elapsed_s, const BenchSample& sample,
                               bool summary) {
  const double seconds = elapsed_s > 0 ? elapsed_s : 1.0;
  const auto& h = sample.latency;
  JsonWriter w;
  w.begin_object().key("run").value(label).key("summary").value(summary);
  if (!summary) w.key("second").value(second).key("warmup").value(second < 0);
  w.key("seconds").value(seconds).key("msgs").value(sample.msgs).key("bytes").value(sample.bytes);
  w.key("msgs_per_s").value(static_cast<double>(sample.msgs) / seconds);
  w.key("mb_per_s").value(static_cast<double>(sample.bytes) / kBytesPerMiB / seconds);
  w.key("latency_ms").begin_object();
  w.key("mean").value(h.mean() / kNsPerMs).key("p50").value(h.percentile(50) / kNsPerMs);
  w.key("p99").value(h.percentile(99) / kNsPerMs).key("p999").value(h.percentile(99.9) / kNsPerMs);
  w.key("max").value(h.max() / kNsPerMs).end_object();
  w.key("errors").value(sample.errors).end_object();
  return w.take();
}

}  // namespace ringmq::client
