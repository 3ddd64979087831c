// FsyncRound: one round of fsyncs over a store FlushPlan, fed to the core's io_uring through a
// window. The reactor takes at most reactor::kFsyncsInFlightMax fsyncs at once and a checkpoint
// plan names one range per dirty ConsumeQueue file (hundreds on a busy core), so more ranges are
// submitted as completions come in, and the plan goes back to the store after the last one.
//
// Core affinity: a round belongs to the core whose reactor runs its fsyncs.
#pragma once

#include <cstddef>

#include "reactor/reactor.h"
#include "store/flush_plan.h"

namespace ringmq::broker {

struct FsyncRound {
  store::FlushPlan plan;
  std::size_t next = 0;       // first range not yet submitted
  std::size_t in_flight = 0;  // submitted, completion not in yet
  int result = 0;             // first failure (-errno), 0 if none

  // Resets the counters for a plan the store just filled.
  void start() {
    next = 0;
    in_flight = 0;
    result = 0;
  }
  // Books one completion (result 0 or -errno).
  void completed(int fsync_result) {
    --in_flight;
    if (fsync_result < 0 && result == 0) result = fsync_result;
  }
};

// How long a round waits before submitting again a range the reactor refused as busy.
inline constexpr std::int64_t kFsyncRetryMs = 1;

// Syncs one range with a blocking fdatasync; 0 or -errno (logged). For a stopping core only (its
// reactor takes no more work).
int sync_range_now(const store::FlushRange& range);

// Submits ranges of `round` while fewer than `window` are in flight; `on_one` (a callable taking
// the fsync result, copied once per range) runs per completion on this core and must call
// feed_round again. A range the reactor refuses while nothing of this round is in flight to free
// a slot (every slot busy, or the core is stopping and takes no new work) is synced here with a
// blocking fdatasync: slower, never a failed round. Returns true when every range is done.
template <typename OnOne>
bool feed_round(FsyncRound& round, std::size_t window, reactor::FsyncLane lane, const OnOne& on_one) {
  reactor::Reactor& r = *reactor::Reactor::current();
  while (round.next < round.plan.ranges.size() && round.in_flight < window) {
    const store::FlushRange& range = round.plan.ranges[round.next];
    Status st = r.fsync(range.fd, range.file_offset, range.length, /*datasync=*/true, on_one, lane);
    if (st.ok()) {
      ++round.in_flight;
      ++round.next;
      continue;
    }
    if (st.error().code == Errc::busy && round.in_flight > 0) break;  // resumed by the next completion
    if (st.error().code == Errc::busy) {
      // Every slot is held by other rounds: retry shortly rather than fdatasync on this core. The
      // timer stands in for a completion (result 0; the range is submitted again).
      ++round.in_flight;
      if (r.add_timer(kFsyncRetryMs, [on_one]() mutable { on_one(0); }).ok()) break;
      --round.in_flight;
    }
    // The core is stopping (no loop left to wait on): sync here.
    const int result = sync_range_now(range);
    if (result < 0 && round.result == 0) round.result = result;
    ++round.next;
  }
  return round.next == round.plan.ranges.size() && round.in_flight == 0;
}

}  // namespace ringmq::broker
