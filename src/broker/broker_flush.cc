// Flushing and housekeeping of one shard, on its core (DESIGN.md §4 "Flush").
//
// --flush sync: a send that waits (WAIT=true) parks in CoreState::durable_waiters; schedule_flush()
// posts one flush round to this core's own queue, so every append already queued in the inboxes
// runs first and the round's fdatasyncs cover all of them (group commit). Waiters whose deadline
// (--sync-flush-timeout) passes are answered FLUSH_DISK_TIMEOUT; a later durable signal for them
// is ignored.
// --flush async: a periodic timer runs the same round; sends are answered after the append.
// CommitLog rounds (both modes) go through io_uring: under a saturated CPU an idle-priority
// syncer would starve, dirty pages would pile up until the kernel throttles the faulting core,
// and a stop would wait for gigabytes (seen: 100 s). Checkpoint rounds (ConsumeQueues, index
// files: a few percent of the bytes) go to the core's SCHED_IDLE syncer thread
// (reactor/background_syncer.h), so their writeback never preempts a core.
//
// A round submits one IORING_OP_FSYNC (fdatasync of the plan's byte range) per range of the
// store's FlushPlan and hands the plan back with complete_flush() when the last completion is in:
// the core keeps serving while the disk works. Appends made meanwhile go into the next round.
// Checkpoint rounds (ConsumeQueues, index files, checkpoint slot) work the same way.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker_runtime.h"
#include "broker/send_message_processor.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

namespace rc = remoting::response_code;

namespace {

// Fsyncs a checkpoint round keeps at the disk at once. The rest of the reactor's
// kFsyncsInFlightMax stays free for the CommitLog's rounds, whose submissions must not be refused:
// a refused one fails the round (FLUSH_DISK_TIMEOUT) and the log then takes no more writes.
constexpr std::size_t kCheckpointFsyncsInFlightMax = reactor::kFsyncsInFlightMax / 4;

// How long a round waits before submitting again a range the reactor refused as busy.
constexpr std::int64_t kFsyncRetryMs = 1;

// Blocking fdatasync of one range's file, for a stopping core only (the reactor takes no more).
int sync_range_now(const store::FlushRange& range) { return ::fdatasync(range.fd) == 0 ? 0 : -errno; }

// Submits ranges of `round` while fewer than `window` are in flight; `on_one(result)` runs per
// completion on this core and must call feed_round again. A range the reactor refuses while
// nothing of this round is in flight to free a slot (every slot busy) is retried from a timer; a
// stopping core (it takes no new work) syncs it here with a blocking fdatasync: never a failed round.
// Returns true when every range of the round is done.
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
      if (r.add_timer(kFsyncRetryMs, [on_one] { on_one(0); }).ok()) break;
      --round.in_flight;
    }
    // The core is stopping (no loop left to wait on): sync here.
    const int result = sync_range_now(range);
    if (result < 0 && round.result == 0) {
      round.result = result;
      log_error("fdatasync failed: {}", std::strerror(-result));
    }
    ++round.next;
  }
  return round.next == round.plan.ranges.size() && round.in_flight == 0;
}

void start_round(FsyncRound& round) {
  round.next = 0;
  round.in_flight = 0;
  round.result = 0;
}

}  // namespace

void BrokerRuntime::schedule_flush(CoreState& cs) {
  if (cs.flush_scheduled) return;
  cs.flush_scheduled = true;
  post(cs.core, [this, &cs] {
    cs.flush_scheduled = false;
    flush_round(cs);
  });
}

void BrokerRuntime::flush_round(CoreState& cs) {
  store::CommitLog& log = cs.shard->commit_log();
  if (log.flush_in_flight() || !log.has_unflushed()) return;
  log.begin_flush(cs.flush.plan);
  if (cs.flush.plan.empty()) return;
  start_round(cs.flush);
  if (feed_round(cs.flush, reactor::kFsyncsInFlightMax, reactor::FsyncLane::urgent,
                 [this, &cs](int result) { on_flush_fsync(cs, result); })) {
    finish_flush_round(cs);
  }
}

void BrokerRuntime::on_flush_fsync(CoreState& cs, int result) {
  FsyncRound& round = cs.flush;
  --round.in_flight;
  if (result < 0 && round.result == 0) round.result = result;
  if (feed_round(round, reactor::kFsyncsInFlightMax, reactor::FsyncLane::urgent,
                 [this, &cs](int r) { on_flush_fsync(cs, r); })) {
    finish_flush_round(cs);
  }
}

void BrokerRuntime::finish_flush_round(CoreState& cs) {
  store::CommitLog& log = cs.shard->commit_log();
  std::vector<std::uint64_t> done;
  auto st = log.complete_flush(cs.flush.plan, cs.flush.result, done);
  if (!st.ok()) log_error("shard {}: flush failed, refusing writes: {}", cs.core, st.error().to_string());
  const std::int32_t code = st.ok() ? rc::kSuccess : rc::kFlushDiskTimeout;
  for (std::uint64_t token : done) {
    auto it = cs.durable_waiters.find(token);
    if (it == cs.durable_waiters.end()) continue;  // already answered FLUSH_DISK_TIMEOUT
    std::unique_ptr<SendJob> job = std::move(it->second);
    cs.durable_waiters.erase(it);
    reply_stored(*this, *job, code);
  }
  // Appends that arrived while this round ran need the next one.
  if (!cs.durable_waiters.empty() && log.has_unflushed()) schedule_flush(cs);
}

void BrokerRuntime::checkpoint_round(CoreState& cs) {
  if (!cs.checkpoint.plan.empty()) return;  // the previous round is still at the disk
  cs.shard->begin_checkpoint(cs.checkpoint.plan);
  if (cs.checkpoint.plan.empty()) return;
  start_round(cs.checkpoint);
  if (feed_round(cs.checkpoint, kCheckpointFsyncsInFlightMax, reactor::FsyncLane::background,
                 [this, &cs](int result) { on_checkpoint_fsync(cs, result); })) {
    finish_checkpoint_round(cs);
  }
}

void BrokerRuntime::on_checkpoint_fsync(CoreState& cs, int result) {
  FsyncRound& round = cs.checkpoint;
  --round.in_flight;
  if (result < 0 && round.result == 0) round.result = result;
  if (feed_round(round, kCheckpointFsyncsInFlightMax, reactor::FsyncLane::background,
                 [this, &cs](int r) { on_checkpoint_fsync(cs, r); })) {
    finish_checkpoint_round(cs);
  }
}

void BrokerRuntime::finish_checkpoint_round(CoreState& cs) {
  if (auto st = cs.shard->complete_checkpoint(cs.checkpoint.plan, cs.checkpoint.result); !st.ok()) {
    log_error("shard {}: checkpoint failed: {}", cs.core, st.error().to_string());
  }
}

void BrokerRuntime::expire_waiters(CoreState& cs) {
  const std::int64_t now = monotonic_ms();
  while (!cs.waiter_deadlines.empty() && cs.waiter_deadlines.front().first <= now) {
    const std::uint64_t token = cs.waiter_deadlines.front().second;
    cs.waiter_deadlines.pop_front();
    auto it = cs.durable_waiters.find(token);
    if (it == cs.durable_waiters.end()) continue;  // answered already
    std::unique_ptr<SendJob> job = std::move(it->second);
    cs.durable_waiters.erase(it);
    log_warn("shard {}: sync flush of a send to {} took over {} ms", cs.core, job->header.topic,
             config_.sync_flush_timeout_ms);
    reply_stored(*this, *job, rc::kFlushDiskTimeout);
  }
}

void BrokerRuntime::housekeeping(CoreState& cs) {
  if (!cs.overflow.empty()) drain_overflow(cs);
  if (!cs.waiter_deadlines.empty()) expire_waiters(cs);
}

}  // namespace ringmq::broker
