#include "reactor/timers.h"

#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <vector>

#include "base/clock.h"
#include "core_check.h"
#include "reactor/engine.h"

using namespace ringmq;
using namespace ringmq::reactor;

TEST_CASE("timer_queue: timers fire in deadline order, ties in the order added") {
  TimerQueue timers;
  std::vector<int> fired;
  REQUIRE(timers.add(300, 0, [&] { fired.push_back(3); }).ok());
  REQUIRE(timers.add(100, 0, [&] { fired.push_back(1); }).ok());
  REQUIRE(timers.add(200, 0, [&] { fired.push_back(2); }).ok());
  REQUIRE(timers.add(200, 0, [&] { fired.push_back(22); }).ok());
  CHECK(timers.next_deadline_ns() == 100);
  CHECK(timers.run_expired(99) == 0);
  CHECK(timers.run_expired(250) == 3);
  CHECK(timers.run_expired(1000) == 1);
  CHECK(fired == std::vector<int>{1, 2, 22, 3});
  CHECK(timers.live() == 0);
  CHECK_FALSE(timers.next_deadline_ns().has_value());
}

TEST_CASE("timer_queue: a cancelled timer never fires and its id goes stale") {
  TimerQueue timers;
  int fired = 0;
  auto a = timers.add(100, 0, [&] { ++fired; });
  auto b = timers.add(200, 0, [&] { fired += 10; });
  REQUIRE((a.ok() && b.ok()));
  CHECK(timers.cancel(*a));
  CHECK_FALSE(timers.cancel(*a));
  timers.run_expired(1000);
  CHECK(fired == 10);
  CHECK_FALSE(timers.cancel(*b));  // already fired
  // The slot is reused; the old id must not cancel the new timer.
  auto c = timers.add(2000, 0, [&] { fired += 100; });
  REQUIRE(c.ok());
  CHECK_FALSE(timers.cancel(*a));
  timers.run_expired(3000);
  CHECK(fired == 110);
}

TEST_CASE("timer_queue: a periodic timer repeats until it cancels itself") {
  TimerQueue timers;
  int ticks = 0;
  TimerId id;
  auto added = timers.add(10, 10, [&] {
    if (++ticks == 3) CHECK(timers.cancel(id));
  });
  REQUIRE(added.ok());
  id = *added;
  for (std::int64_t now = 10; now <= 100; now += 10) timers.run_expired(now);
  CHECK(ticks == 3);
  CHECK(timers.live() == 0);
}

TEST_CASE("timer_queue: a timer added by a callback waits for the next pass") {
  TimerQueue timers;
  int runs = 0;
  REQUIRE(timers.add(0, 0, [&] {
    ++runs;
    REQUIRE(timers.add(0, 0, [&] { ++runs; }).ok());
  }).ok());
  CHECK(timers.run_expired(10) == 1);
  CHECK(timers.run_expired(10) == 1);
  CHECK(runs == 2);
}

TEST_CASE("reactor: timers fire in order on the core, cancel works, periodic repeats") {
  Engine engine(EngineOptions{.cores = 1, .pin_threads = false});
  std::vector<int> fired;  // touched only by core 0, read after join
  int periodic_ticks = 0;
  std::int64_t start_ns = 0, last_ns = 0;
  std::function<void()> stop_when_done;  // set on the core, called only there
  REQUIRE(engine.start([&](Reactor& r) {
    start_ns = monotonic_ns();
    // A failed check stops the engine: the timers that would have stopped it may never fire.
    const auto check = [&r](bool ok) { return ok || (r.engine().stop(), false); };
    if (!check(CORE_CHECK(r.add_timer(30, [&] { fired.push_back(3); }).ok()))) return;
    if (!check(CORE_CHECK(r.add_timer(10, [&] { fired.push_back(1); }).ok()))) return;
    if (!check(CORE_CHECK(r.add_timer(20, [&] { fired.push_back(2); }).ok()))) return;
    auto doomed = r.add_timer(15, [&] { fired.push_back(99); });
    if (!check(CORE_CHECK(doomed.ok()))) return;
    CORE_CHECK(r.cancel_timer(*doomed));
    // Stop once both the last one-shot timer and the fourth periodic tick have happened: on a
    // loaded machine the loop can run late, and a late loop must not cut the periodic timer short.
    stop_when_done = [&r, &last_ns, &periodic_ticks] {
      if (last_ns != 0 && periodic_ticks >= 4) r.engine().stop();
    };
    auto periodic = std::make_shared<TimerId>();
    auto added = r.add_periodic_timer(5, [&r, &periodic_ticks, periodic, &stop_when_done] {
      if (++periodic_ticks == 4) {
        r.cancel_timer(*periodic);
        stop_when_done();
      }
    });
    if (!check(CORE_CHECK(added.ok()))) return;
    *periodic = *added;
    check(CORE_CHECK(r.add_timer(60, [&last_ns, &stop_when_done] {
      last_ns = monotonic_ns();
      stop_when_done();
    }).ok()));
  }).ok());
  engine.wait();
  CHECK_CORE_CHECKS();
  CHECK(fired == std::vector<int>{1, 2, 3});
  CHECK(periodic_ticks == 4);
  CHECK(last_ns - start_ns >= 60 * 1000000);
}
