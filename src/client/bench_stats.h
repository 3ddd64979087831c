// BenchStats: what `ringmq bench` counts and prints. Workers record into shards (one per worker
// thread, plus shared ones for callbacks); a reporter thread collects every second, prints a line
// (text or JSON) and, after the warm-up, folds the second into the run's totals.
//
// Threading: record*() from any thread (a shard is guarded by its own mutex, so workers on
// different shards never contend); collect() and the printing functions from the reporter only.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/latency_histogram.h"

namespace ringmq::client {

struct BenchSample {
  std::uint64_t msgs = 0;
  std::uint64_t bytes = 0;
  std::uint64_t errors = 0;
  LatencyHistogram latency;

  void merge(const BenchSample& other);
};

class BenchStats {
 public:
  explicit BenchStats(std::size_t shards);

  void record(std::size_t shard, std::uint64_t msgs, std::uint64_t bytes, std::int64_t latency_ns);
  void record_error(std::size_t shard, std::uint64_t count = 1);
  std::size_t shard_count() const { return shards_.size(); }

  // Takes everything recorded since the last collect().
  BenchSample collect();

 private:
  struct Shard {
    std::mutex mutex;
    BenchSample sample;
  };
  std::vector<std::unique_ptr<Shard>> shards_;
};

// One line of output. `label` names the run ("produce", "consume", ...); `elapsed_s` is the
// length of the sample's window; `second` its index (negative during warm-up).
std::string format_sample_text(const std::string& label, int second, double elapsed_s, const BenchSample& sample);
std::string format_sample_json(const std::string& label, int second, double elapsed_s, const BenchSample& sample,
                               bool summary);

}  // namespace ringmq::client
