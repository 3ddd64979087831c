// Flushing and housekeeping of one shard, on its core (DESIGN.md §4 "Flush").
//
// --flush sync: a send that waits (WAIT=true) parks in CoreState::durable_waiters; schedule_flush()
// posts one flush round to this core's own queue, so every append already queued in the inboxes
// runs first and the round's single fdatasync covers all of them (group commit). Waiters whose
// deadline (--sync-flush-timeout) passes are answered FLUSH_DISK_TIMEOUT; a later durable signal
// for them is ignored.
// --flush async: a periodic timer runs the same round; sends are answered after the append.
//
// The round runs the store's FlushPlan with execute_flush_plan (blocking fdatasync on this core):
// the reactor has no fsync operation yet. With IORING_OP_FSYNC the plan's ranges would be
// submitted and complete_flush() called from the completion instead; nothing else changes.
#include "base/clock.h"
#include "base/log.h"
#include "broker/broker_runtime.h"
#include "broker/send_message_processor.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

namespace rc = remoting::response_code;

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
  const int result = store::execute_flush_plan(cs.flush_plan);
  std::vector<std::uint64_t> done;
  auto st = log.complete_flush(cs.flush_plan, result, done);
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
  cs.shard->begin_checkpoint(cs.checkpoint_plan);
  if (cs.checkpoint_plan.empty()) return;
  const int result = store::execute_flush_plan(cs.checkpoint_plan);
  if (auto st = cs.shard->complete_checkpoint(cs.checkpoint_plan, result); !st.ok()) {
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
