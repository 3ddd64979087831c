// Cross-core messages: post() between cores, from outside threads, wake-ups and stop.
#include <doctest/doctest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "core_check.h"
#include "reactor/engine.h"

using namespace ringmq;
using namespace ringmq::reactor;

namespace {

// Producer state on core 0, consumer state on core 1; each field is touched by one core only.
struct Stream {
  static constexpr std::uint64_t kCount = 1000000;
  std::uint64_t sent = 0;      // core 0
  std::uint64_t busy = 0;      // core 0
  std::uint64_t received = 0;  // core 1
  bool in_order = true;        // core 1
};

// Posts as many messages as the ring takes, then continues on the next loop iteration of its own
// core (a self-post), so core 0 keeps running its loop instead of spinning inside one task.
void pump(Reactor& r, Stream* s) {
  while (s->sent < Stream::kCount) {
    const std::uint64_t seq = s->sent;
    Status posted = r.post(1, [s, seq, &engine = r.engine()] {
      if (seq != s->received) s->in_order = false;
      if (++s->received == Stream::kCount) engine.stop();
    });
    if (!posted.ok()) {
      if (!CORE_CHECK(posted.error().code == Errc::busy)) {
        r.engine().stop();
        return;
      }
      ++s->busy;
      break;
    }
    ++s->sent;
  }
  if (s->sent < Stream::kCount && !CORE_CHECK(r.post(0, [&r, s] { pump(r, s); }).ok())) r.engine().stop();
}

}  // namespace

TEST_CASE("cross_core: one million posts arrive complete and in order") {
  Engine engine(EngineOptions{.cores = 2});
  Stream stream;
  REQUIRE(engine.start([&](Reactor& r) {
    if (r.core() == 0) pump(r, &stream);
  }).ok());
  engine.wait();
  CHECK_CORE_CHECKS();
  CHECK(stream.sent == Stream::kCount);
  CHECK(stream.received == Stream::kCount);
  CHECK(stream.in_order);
  MESSAGE("busy rings met by the producer: " << stream.busy);
}

TEST_CASE("cross_core: a full ring reports busy instead of blocking or growing") {
  Engine engine(EngineOptions{.cores = 2});
  std::atomic<bool> blocked{false}, release{false};
  std::atomic<std::uint64_t> accepted{0}, ran{0};
  std::atomic<bool> saw_busy{false};
  REQUIRE(engine.start().ok());
  // Park core 1 inside a task so it drains nothing while core 0 fills the ring.
  REQUIRE(engine.post(0, [&] {
    Reactor& r = *Reactor::current();
    CORE_CHECK(r.post(1, [&] {
      blocked = true;
      const std::int64_t deadline = monotonic_ns() + 10'000'000'000;
      while (!release.load() && monotonic_ns() < deadline) std::this_thread::yield();
    }).ok());
    const std::int64_t deadline = monotonic_ns() + 10'000'000'000;
    while (!blocked.load() && monotonic_ns() < deadline) std::this_thread::yield();
    for (std::size_t i = 0; i < 2 * kCrossCoreRingCapacity; ++i) {
      Status s = r.post(1, [&] { ++ran; });
      if (!s.ok()) {
        saw_busy = s.error().code == Errc::busy;
        break;
      }
      ++accepted;
    }
    release = true;
  }).ok());
  const std::int64_t deadline = monotonic_ns() + 20'000'000'000;
  while ((!release.load() || ran.load() < accepted.load()) && monotonic_ns() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  engine.stop();
  engine.join();
  CHECK_CORE_CHECKS();
  CHECK(saw_busy.load());
  // The parked task still holds its slot until its batch finishes.
  CHECK(accepted.load() == kCrossCoreRingCapacity - 1);
  CHECK(ran.load() == accepted.load());
}

TEST_CASE("cross_core: ping-pong between two cores survives many sleeps and wake-ups") {
  Engine engine(EngineOptions{.cores = 2});
  constexpr int kRounds = 20000;
  struct State {
    int rounds = 0;  // touched by core 0 only
  } state;
  struct Ping {
    static void send(Reactor& r, State* st) {
      const bool posted = CORE_CHECK(r.post(1, [st, &engine = r.engine()] {
        if (!CORE_CHECK(engine.post(0, [st, &engine] {
              if (++st->rounds == kRounds) {
                engine.stop();
                return;
              }
              send(*Reactor::current(), st);
            }).ok()))
          engine.stop();  // a lost hop would leave the test waiting forever
      }).ok());
      if (!posted) r.engine().stop();
    }
  };
  REQUIRE(engine.start([&](Reactor& r) {
    if (r.core() == 0) Ping::send(r, &state);
  }).ok());
  engine.wait();
  CHECK_CORE_CHECKS();
  CHECK(state.rounds == kRounds);
}

TEST_CASE("cross_core: tasks posted from a thread that is not a core run on that core") {
  Engine engine(EngineOptions{.cores = 2});
  REQUIRE(engine.start().ok());
  std::atomic<int> on_core[2] = {0, 0};
  std::atomic<int> wrong{0};
  for (int i = 0; i < 1000; ++i) {
    for (unsigned core = 0; core < 2; ++core) {
      Status s = engine.post(core, [&, core] {
        if (Reactor::current() == nullptr || Reactor::current()->core() != core) ++wrong;
        ++on_core[core];
      });
      REQUIRE(s.ok());
    }
    if (i % 100 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // let cores sleep
  }
  const std::int64_t deadline = monotonic_ns() + 10'000'000'000;
  while ((on_core[0] < 1000 || on_core[1] < 1000) && monotonic_ns() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  engine.stop();
  engine.join();
  CHECK(on_core[0] == 1000);
  CHECK(on_core[1] == 1000);
  CHECK(wrong == 0);
}

TEST_CASE("cross_core: external posts from 8 threads at once all run, each thread's in order") {
  // The inbox is taken in batches (one lock round per batch): a post must never be lost or
  // reordered behind a later one from the same thread, including while the core sleeps.
  Engine engine(EngineOptions{.cores = 1});
  REQUIRE(engine.start().ok());
  constexpr int kThreads = 8;
  constexpr std::uint64_t kPerThread = 20000;
  struct Seen {
    std::uint64_t next = 0;  // touched by the core only
    bool in_order = true;
  };
  Seen seen[kThreads];
  std::atomic<std::uint64_t> ran{0};
  std::atomic<std::uint64_t> busy{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint64_t i = 0; i < kPerThread;) {
        Status s = engine.post(0, [&, t, i] {
          if (seen[t].next != i) seen[t].in_order = false;
          seen[t].next = i + 1;
          ran.fetch_add(1, std::memory_order_relaxed);
        });
        if (!s.ok()) {
          REQUIRE(s.error().code == Errc::busy);
          busy.fetch_add(1, std::memory_order_relaxed);
          std::this_thread::yield();
          continue;
        }
        ++i;
        // Now and then let the core drain and fall asleep, so wake-ups are exercised too.
        if (i % 4096 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    });
  }
  for (auto& t : threads) t.join();
  const std::int64_t deadline = monotonic_ns() + 10'000'000'000;
  while (ran.load() < kThreads * kPerThread && monotonic_ns() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  engine.stop();
  engine.join();
  CHECK(ran.load() == kThreads * kPerThread);
  for (int t = 0; t < kThreads; ++t) {
    CHECK(seen[t].in_order);
    CHECK(seen[t].next == kPerThread);
  }
}

TEST_CASE("cross_core: ping-pong with pauses longer than the spin still wakes every time") {
  // A core whose spins keep failing stops spinning (adaptive budget); every hop must then be
  // delivered by a real wake-up, and a burst of quick hops must still work afterwards.
  Engine engine(EngineOptions{.cores = 2});
  constexpr int kRounds = 300;
  struct State {
    int rounds = 0;  // core 0 only
  } state;
  struct Ping {
    static void send(Reactor& r, State* st) {
      const bool posted = CORE_CHECK(r.post(1, [st, &engine = r.engine()] {
        // Every third hop the answer is late (longer than any spin), so spins fail and decay.
        if (st->rounds % 3 == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
        if (!CORE_CHECK(engine.post(0, [st, &engine] {
              if (++st->rounds == kRounds) {
                engine.stop();
                return;
              }
              send(*Reactor::current(), st);
            }).ok()))
          engine.stop();  // a lost hop would leave the test waiting forever
      }).ok());
      if (!posted) r.engine().stop();
    }
  };
  REQUIRE(engine.start([&](Reactor& r) {
    if (r.core() == 0) Ping::send(r, &state);
  }).ok());
  engine.wait();
  CHECK_CORE_CHECKS();
  CHECK(state.rounds == kRounds);
}

TEST_CASE("engine: SIGTERM stops every core") {
  Engine engine(EngineOptions{.cores = 2, .pin_threads = true, .handle_signals = true});
  std::atomic<int> stopped{0};
  REQUIRE(engine.start({}, [&](Reactor&) { ++stopped; }).ok());
  // raise() targets this thread, where the signal is blocked: the engine's signalfd takes it.
  REQUIRE(::raise(SIGTERM) == 0);
  engine.wait();
  CHECK(stopped == 2);
}
