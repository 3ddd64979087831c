// SyncWaiter: the hand-off from the client's reactor thread to a caller blocked in invoke_sync.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "client/sync_waiter.h"

using namespace ringmq;
using namespace ringmq::client;

TEST_CASE("sync waiter: a signal before the wait returns at once") {
  SyncWaiter waiter;
  waiter.signal();
  const std::int64_t start = monotonic_ns();
  CHECK(waiter.wait_for(5000));
  CHECK(monotonic_ns() - start < 1'000'000'000);
  CHECK(waiter.signalled());
}

TEST_CASE("sync waiter: a sleeping waiter is woken by a later signal, and sees what was written") {
  SyncWaiter waiter;
  int payload = 0;
  std::thread signaller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the waiter is asleep by now
    payload = 42;
    waiter.signal();
  });
  CHECK(waiter.wait_for(10000));
  CHECK(payload == 42);
  signaller.join();
}

TEST_CASE("sync waiter: no signal times out after about the timeout; a late signal is harmless") {
  auto waiter = std::make_shared<SyncWaiter>();
  const std::int64_t start = monotonic_ns();
  CHECK_FALSE(waiter->wait_for(30));
  const std::int64_t waited_ms = (monotonic_ns() - start) / 1'000'000;
  CHECK(waited_ms >= 29);
  CHECK(waited_ms < 2000);
  waiter->signal();  // the reply that came too late: no one waits, nothing blocks
  CHECK(waiter->signalled());
}

TEST_CASE("sync waiter: many threads, each woken exactly by its own signal, none lost") {
  constexpr int kThreads = 16;
  constexpr int kRounds = 2000;
  std::vector<std::thread> waiters;
  std::atomic<int> woken{0};
  std::vector<std::atomic<std::shared_ptr<SyncWaiter>>> slots(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    waiters.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        auto w = std::make_shared<SyncWaiter>();
        slots[t].store(w);
        REQUIRE(w->wait_for(10000));
        woken.fetch_add(1);
      }
    });
  }
  // One signalling thread plays the reactor: it signals whatever waiter each slot holds.
  std::thread reactor([&] {
    int signalled = 0;
    while (signalled < kThreads * kRounds) {
      for (int t = 0; t < kThreads; ++t) {
        if (auto w = slots[t].exchange(nullptr)) {
          w->signal();
          ++signalled;
        }
      }
    }
  });
  for (auto& t : waiters) t.join();
  reactor.join();
  CHECK(woken.load() == kThreads * kRounds);
}
