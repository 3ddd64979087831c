// GroupCommit: one core's CommitLog flush rounds and the sends that wait for them.
//
// --flush sync: a send whose producer waits for the disk (WAIT=true, the default) is parked here
// after its append. A round is posted to this core's own task queue, so every append already
// queued in the inboxes runs before it and one fdatasync covers all of them; when it completes,
// every waiter it covers is answered SUCCESS together. A waiter not covered within
// --sync-flush-timeout is answered FLUSH_DISK_TIMEOUT (its message is stored, its durability not
// confirmed, as RocketMQ answers). A failed fdatasync answers every waiter FLUSH_DISK_TIMEOUT and
// the CommitLog takes no more appends (store::CommitLog::complete_flush).
// --flush async: a periodic timer runs the same rounds and nobody waits.
//
// Waiters live in an OffsetWaiters FIFO (offset_waiters.h) released by the durable offset; a
// one-shot timer armed for the oldest deadline replaces polling.
//
// CommitLog rounds go through io_uring (FsyncLane::urgent): under a saturated CPU an idle-priority
// syncer would starve, dirty pages would pile up until the kernel throttles the faulting core.
//
// Core affinity: owned by its core's CoreState, used only on that core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "broker/broker_limits.h"
#include "broker/fsync_round.h"
#include "broker/offset_waiters.h"
#include "reactor/reactor.h"
#include "store/commit_log.h"
#include "store/types.h"

namespace ringmq::broker {

struct SendJob;

class GroupCommit {
 public:
  // Answers a parked send with SUCCESS or FLUSH_DISK_TIMEOUT. The job is handed over, so a
  // SUCCESS can park it again (SYNC_MASTER waits for a slave next) without another allocation.
  using Answer = std::function<void(std::unique_ptr<SendJob> job, std::int32_t code)>;
  // Told, after each successful round, how many waiters it answered SUCCESS (the group size, 0 in
  // async mode) and how long it took from start to last fsync (metrics).
  using GroupDone = std::function<void(std::size_t sends, std::int64_t round_us)>;

  GroupCommit(reactor::Reactor& reactor, store::CommitLog& log, std::int64_t timeout_ms, Answer answer,
              GroupDone group_done = {});
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;
  // Lives as long as its CoreState: tasks and timers it left behind capture `this`, and the core
  // runs none of them after its loop ends.
  ~GroupCommit() = default;

  // Parks `job`, whose records end at `end`, until a round makes them durable. Answers it at once
  // (SUCCESS if already durable, FLUSH_DISK_TIMEOUT when too many wait).
  void wait(store::PhysicalOffset end, std::unique_ptr<SendJob> job);
  // Starts a round now unless one is in flight (the async mode's timer).
  void flush_now();
  // Core stopping: the connections are gone, nobody can be answered. The bytes are made durable
  // by the shard's clean close.
  void drop_waiters();
  std::size_t waiters() const { return waiters_.size(); }

 private:
  void schedule_round();
  void start_round();
  void on_fsync(int result);
  void finish_round();
  void arm_deadline_timer();
  void on_deadline();

  reactor::Reactor& reactor_;
  store::CommitLog& log_;
  const std::int64_t timeout_ms_;
  const Answer answer_;
  const GroupDone group_done_;
  // Released by the durable offset; each waiter's end is the offset just past its last record.
  OffsetWaiters<std::unique_ptr<SendJob>> waiters_;  // of kDurableWaitersPerCoreMax
  FsyncRound round_;
  std::int64_t round_started_ns_ = 0;  // monotonic
  bool round_scheduled_ = false;
  bool deadline_timer_armed_ = false;
};

}  // namespace ringmq::broker
