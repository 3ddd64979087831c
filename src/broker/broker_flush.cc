// Checkpoint rounds of one shard, on its core (docs: docs/ARCHITECTURE.md §4 "Flush"). The CommitLog's own
// rounds and the sends waiting for them are GroupCommit's (group_commit.h).
//
// Every kCheckpointIntervalMs the store names what makes its ConsumeQueues, index files and
// checkpoint slot durable; the ranges go to the core's SCHED_IDLE syncer thread
// (reactor/background_syncer.h, FsyncLane::background), so their writeback never preempts a core,
// and the plan goes back to the store with complete_checkpoint() when the last one is in.
#include "base/log.h"
#include "broker/broker_runtime.h"

namespace ringmq::broker {

namespace {
// Fsyncs a checkpoint round keeps at the disk at once. The rest of the reactor's
// kFsyncsInFlightMax stays free for the CommitLog's rounds, whose submissions must not be refused:
// a refused one fails the round (FLUSH_DISK_TIMEOUT) and the log then takes no more writes.
constexpr std::size_t kCheckpointFsyncsInFlightMax = reactor::kFsyncsInFlightMax / 4;
}  // namespace

void BrokerRuntime::checkpoint_round(CoreState& cs) {
  if (!cs.checkpoint.plan.empty()) return;  // the previous round is still at the disk
  cs.shard->begin_checkpoint(cs.checkpoint.plan);
  if (cs.checkpoint.plan.empty()) return;
  cs.checkpoint.start();
  if (feed_round(cs.checkpoint, kCheckpointFsyncsInFlightMax, reactor::FsyncLane::background,
                 [this, &cs](int result) { on_checkpoint_fsync(cs, result); })) {
    finish_checkpoint_round(cs);
  }
}

void BrokerRuntime::on_checkpoint_fsync(CoreState& cs, int result) {
  cs.checkpoint.completed(result);
  if (feed_round(cs.checkpoint, kCheckpointFsyncsInFlightMax, reactor::FsyncLane::background,
                 [this, &cs](int r) { on_checkpoint_fsync(cs, r); })) {
    finish_checkpoint_round(cs);
  }
}

void BrokerRuntime::finish_checkpoint_round(CoreState& cs) {
  if (auto st = cs.shard->complete_checkpoint(cs.checkpoint.plan, cs.checkpoint.result); !st.ok()) {
    log_error("shard {}: checkpoint failed: {}", cs.core, st.error().to_string());
  }
}

}  // namespace ringmq::broker
