// Flushing and housekeeping of one shard, on its core (DESIGN.md §4 "Flush").
//
// --flush sync: a send that waits (WAIT=true) parks in CoreState::durable_waiters; schedule_flush()
// posts one flush round to this core's own queue, so every append already queued in the inboxes
// runs first and the round's fdatasyncs cover all of them (group commit). Waiters whose deadline
// (--sync-flush-timeout) passes are answered FLUSH_DISK_TIMEOUT; a later durable signal for them
// is ignored.
// --flush async: a periodic timer runs the same round; sends are answered after the append.
//
// A round submits one IORING_OP_FSYNC (fdatasync of the plan's byte range) per range of the
// store's FlushPlan and hands the plan back with complete_flush() when the last completion is in:
// the core keeps serving while the disk works. Appends made meanwhile go into the next round.
// Checkpoint rounds (ConsumeQueues, index files, checkpoint slot) work the same way.
#include "base/clock.h"
#include "base/log.h"
#include "broker/broker_runtime.h"
#include "broker/send_message_processor.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

namespace rc = remoting::response_code;

namespace {

// Submits every range of `plan`; `on_one(result)` runs per completion on this core. Returns the
// number submitted; ranges that could not be submitted count as failed with `failed_result`.
template <typename OnOne>
std::size_t submit_plan(const store::FlushPlan& plan, int& failed_result, OnOne on_one) {
  reactor::Reactor& r = *reactor::Reactor::current();
  if (r.stopping()) {
    // The ring takes no new work while stopping; the core has nothing else left to serve.
    failed_result = store::execute_flush_plan(plan);
    return 0;
  }
  std::size_t submitted = 0;
  for (const store::FlushRange& range : plan.ranges) {
    auto st = r.fsync(range.fd, range.file_offset, range.length, /*datasync=*/true, on_one);
    if (st.ok()) {
      ++submitted;
    } else if (failed_result == 0) {
      failed_result = -EIO;
      log_error("fsync submission failed: {}", st.error().to_string());
    }
  }
  return submitted;
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
  log.begin_flush(cs.flush_plan);
  if (cs.flush_plan.empty()) return;
  cs.flush_result = 0;
  cs.flush_pending = cs.flush_plan.ranges.size() + 1;  // +1: held until every range is submitted
  auto on_one = [this, &cs](int result) {
    if (result < 0 && cs.flush_result == 0) cs.flush_result = result;
    if (--cs.flush_pending == 0) finish_flush_round(cs);
  };
  const std::size_t submitted = submit_plan(cs.flush_plan, cs.flush_result, on_one);
  cs.flush_pending -= cs.flush_plan.ranges.size() - submitted;
  if (--cs.flush_pending == 0) finish_flush_round(cs);
}

void BrokerRuntime::finish_flush_round(CoreState& cs) {
  store::CommitLog& log = cs.shard->commit_log();
  std::vector<std::uint64_t> done;
  auto st = log.complete_flush(cs.flush_plan, cs.flush_result, done);
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
  if (cs.checkpoint_pending > 0) return;  // the previous round is still at the disk
  cs.shard->begin_checkpoint(cs.checkpoint_plan);
  if (cs.checkpoint_plan.empty()) return;
  cs.checkpoint_result = 0;
  cs.checkpoint_pending = cs.checkpoint_plan.ranges.size() + 1;
  auto finish = [this, &cs] {
    if (auto st = cs.shard->complete_checkpoint(cs.checkpoint_plan, cs.checkpoint_result); !st.ok()) {
      log_error("shard {}: checkpoint failed: {}", cs.core, st.error().to_string());
    }
  };
  auto on_one = [&cs, finish](int result) {
    if (result < 0 && cs.checkpoint_result == 0) cs.checkpoint_result = result;
    if (--cs.checkpoint_pending == 0) finish();
  };
  const std::size_t submitted = submit_plan(cs.checkpoint_plan, cs.checkpoint_result, on_one);
  cs.checkpoint_pending -= cs.checkpoint_plan.ranges.size() - submitted;
  if (--cs.checkpoint_pending == 0) finish();
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
