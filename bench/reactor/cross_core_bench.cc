// Cross-core ring round trip: core 0 posts to core 1, core 1 posts back; the reported time is per
// round trip (one hop each way, including the wake-up when the target sleeps).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>

#include "base/clock.h"
#include "base/log.h"
#include "reactor/engine.h"

using namespace ringmq;
using namespace ringmq::reactor;

namespace {

struct PingPong {
  std::int64_t remaining = 0;  // core 0 only
  std::atomic<bool> done{false};
  std::int64_t elapsed_ns = 0;
  std::int64_t started_ns = 0;
};

void ping(Reactor& r, PingPong* state) {
  Status s = r.post(1, [state, &engine = r.engine()] {
    Status back = engine.post(0, [state] {
      if (--state->remaining == 0) {
        state->elapsed_ns = monotonic_ns() - state->started_ns;
        state->done.store(true, std::memory_order_release);
        state->done.notify_one();
        return;
      }
      ping(*Reactor::current(), state);
    });
    RINGMQ_ASSERT(back.ok());
  });
  RINGMQ_ASSERT(s.ok());
}

void BM_CrossCoreRoundTrip(benchmark::State& bench) {
  set_log_level(LogLevel::warn);
  Engine engine(EngineOptions{.cores = 2});
  if (!engine.start().ok()) {
    bench.SkipWithError("engine failed to start");
    return;
  }
  std::int64_t total_ns = 0, total_trips = 0;
  for (auto _ : bench) {
    PingPong state;
    state.remaining = bench.range(0);
    RINGMQ_ASSERT(engine.post(0, [&state] {
      state.started_ns = monotonic_ns();
      ping(*Reactor::current(), &state);
    }).ok());
    // A futex wait: the bench thread must not steal a CPU from the two cores.
    state.done.wait(false, std::memory_order_acquire);
    bench.SetIterationTime(static_cast<double>(state.elapsed_ns) / 1e9);
    total_ns += state.elapsed_ns;
    total_trips += bench.range(0);
  }
  bench.counters["ns_per_round_trip"] = static_cast<double>(total_ns) / static_cast<double>(total_trips);
  bench.SetItemsProcessed(total_trips);
  engine.stop();
  engine.join();
}
BENCHMARK(BM_CrossCoreRoundTrip)->Arg(10000)->UseManualTime()->Unit(benchmark::kMillisecond);

// Same hop, but core 0 batches: it posts a burst and waits for every answer before the next one.
void BM_CrossCoreBurst(benchmark::State& bench) {
  set_log_level(LogLevel::warn);
  Engine engine(EngineOptions{.cores = 2});
  if (!engine.start().ok()) {
    bench.SkipWithError("engine failed to start");
    return;
  }
  constexpr int kBurst = 256;
  std::int64_t total_ns = 0, total_msgs = 0;
  struct Burst {
    int answered = 0;  // core 0 only
    std::int64_t started_ns = 0;
    std::int64_t elapsed_ns = 0;
    std::atomic<bool> done{false};
  };
  for (auto _ : bench) {
    Burst burst;
    RINGMQ_ASSERT(engine.post(0, [&burst] {
      Reactor& r = *Reactor::current();
      burst.started_ns = monotonic_ns();
      for (int i = 0; i < kBurst; ++i) {
        Status s = r.post(1, [&burst, &engine = r.engine()] {
          RINGMQ_ASSERT(engine.post(0, [&burst] {
            if (++burst.answered < kBurst) return;
            burst.elapsed_ns = monotonic_ns() - burst.started_ns;
            burst.done.store(true, std::memory_order_release);
            burst.done.notify_one();
          }).ok());
        });
        RINGMQ_ASSERT(s.ok());
      }
    }).ok());
    burst.done.wait(false, std::memory_order_acquire);
    bench.SetIterationTime(static_cast<double>(burst.elapsed_ns) / 1e9);
    total_ns += burst.elapsed_ns;
    total_msgs += kBurst;
  }
  bench.counters["ns_per_message_round_trip"] = static_cast<double>(total_ns) / static_cast<double>(total_msgs);
  engine.stop();
  engine.join();
}
BENCHMARK(BM_CrossCoreBurst)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
