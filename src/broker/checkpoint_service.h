// CheckpointService: the checkpoint rounds of one shard, on its core (docs/ARCHITECTURE.md §4
// "Flush"). The CommitLog's own rounds and the sends waiting for them are GroupCommit's
// (group_commit.h).
//
// Every kCheckpointIntervalMs (BrokerRuntime arms the timer) the store names what makes its
// ConsumeQueues, index files and checkpoint slot durable; the ranges go to the core's SCHED_IDLE
// syncer thread (reactor/background_syncer.h, FsyncLane::background), so their writeback never
// preempts a core, and the plan goes back to the store with complete_checkpoint() when the last
// one is in. One round at a time: a tick while one is at the disk does nothing.
//
// Lifetime: its fsync completions and retry timers point at it, so it lives in CoreState until the
// cores have stopped (the reactor runs every fsync in flight to completion before a core's stop hook).
#pragma once

#include <cstddef>

#include "broker/fsync_round.h"
#include "store/shard_store.h"

namespace ringmq::broker {

// Fsyncs a checkpoint round keeps at the disk at once. The rest of the reactor's
// kFsyncsInFlightMax stays free for the CommitLog's rounds, whose submissions must not be refused:
// a refused one fails the round (FLUSH_DISK_TIMEOUT) and the log then takes no more writes.
inline constexpr std::size_t kCheckpointFsyncsInFlightMax = reactor::kFsyncsInFlightMax / 4;

class CheckpointService {
 public:
  CheckpointService(store::ShardStore& shard, unsigned core) : shard_(shard), core_(core) {}
  CheckpointService(const CheckpointService&) = delete;
  CheckpointService& operator=(const CheckpointService&) = delete;

  // Starts a round unless one is still at the disk; on the shard's core.
  void run_round();

 private:
  void on_fsync(int result);
  void finish_round();

  store::ShardStore& shard_;
  unsigned core_;
  FsyncRound round_;
};

}  // namespace ringmq::broker
