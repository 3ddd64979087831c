#include "reactor/idle_poll_governor.h"

#include <doctest/doctest.h>

using namespace ringmq::reactor;

namespace {
constexpr std::int64_t kMs = 1000 * 1000;
constexpr std::int64_t kPollNs = 50 * 1000;
}  // namespace

TEST_CASE("idle_poll_governor: off unless configured, and polls the configured budget") {
  CHECK(IdlePollGovernor().budget_ns(0) == 0);
  IdlePollGovernor governor(kPollNs);
  CHECK(governor.budget_ns(0) == kPollNs);
  CHECK(governor.budget_ns(5 * kMs) == kPollNs);
}

TEST_CASE("idle_poll_governor: a rarely preempted core keeps polling") {
  IdlePollGovernor governor(kPollNs);
  std::int64_t now = 0;
  REQUIRE(governor.wants_preemption_sample(now));
  CHECK_FALSE(governor.on_preemption_sample(now, 1000));  // the first sample is the baseline
  CHECK_FALSE(governor.wants_preemption_sample(now + kIdlePollSampleNs - 1));
  // Exactly the allowed rate (300/s = 3 per 10 ms) does not pause, for a whole second.
  for (int i = 0; i < 100; ++i) {
    now += kIdlePollSampleNs;
    REQUIRE(governor.wants_preemption_sample(now));
    CHECK_FALSE(governor.on_preemption_sample(now, 1000 + 3 * (i + 1)));
    CHECK(governor.budget_ns(now) == kPollNs);
  }
}

TEST_CASE("idle_poll_governor: preemptions above the rate pause polling, which resumes when they stop") {
  IdlePollGovernor governor(kPollNs);
  std::int64_t now = 1 * kMs;
  CHECK_FALSE(governor.on_preemption_sample(now, 0));
  now += kIdlePollSampleNs;
  CHECK(governor.on_preemption_sample(now, 4));  // 4 in 10 ms = 400/s
  CHECK(governor.budget_ns(now) == 0);
  CHECK(governor.budget_ns(now + kIdlePollPauseNs - 1) == 0);
  CHECK(governor.budget_ns(now + kIdlePollPauseNs) == kPollNs);
  // The next sample covers the pause too: a CPU still contended while the core did not poll keeps
  // polling off (40 preemptions in 100 ms) ...
  now += kIdlePollPauseNs;
  REQUIRE(governor.wants_preemption_sample(now));
  CHECK(governor.on_preemption_sample(now, 44));
  CHECK(governor.budget_ns(now) == 0);
  // ... and a quiet one turns it back on (2 in 100 ms).
  now += kIdlePollPauseNs;
  CHECK_FALSE(governor.on_preemption_sample(now, 46));
  CHECK(governor.budget_ns(now) == kPollNs);
}

TEST_CASE("idle_poll_governor: a long quiet gap between samples dilutes a burst") {
  IdlePollGovernor governor(kPollNs);
  CHECK_FALSE(governor.on_preemption_sample(0, 0));
  // 20 preemptions over 1 s is 20/s: well under the limit, although 20 > 3 per sample period.
  CHECK_FALSE(governor.on_preemption_sample(1000 * kMs, 20));
  CHECK(governor.budget_ns(1000 * kMs) == kPollNs);
}
