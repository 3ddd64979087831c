#include "broker/group_commit.h"

#include <utility>

#include "base/clock.h"
#include "base/log.h"
#include "broker/processor/send_message_processor.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

namespace rc = remoting::response_code;

GroupCommit::GroupCommit(reactor::Reactor& reactor, store::CommitLog& log, std::int64_t timeout_ms, Answer answer,
                         GroupDone group_done)
    : reactor_(reactor),
      log_(log),
      timeout_ms_(timeout_ms),
      answer_(std::move(answer)),
      group_done_(std::move(group_done)),
      waiters_(kDurableWaitersPerCoreMax) {}

void GroupCommit::wait(store::PhysicalOffset end, std::unique_ptr<SendJob> job) {
  if (end <= log_.durable_offset()) return answer_(std::move(job), rc::kSuccess);
  if (waiters_.full()) {
    log_warn("core {}: {} sends already wait for the disk; answering FLUSH_DISK_TIMEOUT", reactor_.core(),
             waiters_.size());
    return answer_(std::move(job), rc::kFlushDiskTimeout);
  }
  waiters_.push(end.value, monotonic_ms() + timeout_ms_, std::move(job));
  arm_deadline_timer();
  schedule_round();
}

void GroupCommit::flush_now() { start_round(); }

void GroupCommit::drop_waiters() { waiters_.clear(); }

void GroupCommit::schedule_round() {
  if (round_scheduled_) return;
  round_scheduled_ = true;
  // Through the core's own queue: appends already waiting in the inboxes run first and join the
  // round. If the queue refuses (full), start at once: less batching, same guarantees.
  Status posted = reactor_.post(reactor_.core(), [this] {
    round_scheduled_ = false;
    start_round();
  });
  if (!posted.ok()) {
    round_scheduled_ = false;
    start_round();
  }
}

void GroupCommit::start_round() {
  if (log_.flush_in_flight() || !log_.has_unflushed()) return;
  log_.begin_flush(round_.plan);
  if (round_.plan.empty()) return;
  round_.start();
  round_started_ns_ = monotonic_ns();
  if (feed_round(round_, reactor::kFsyncsInFlightMax, reactor::FsyncLane::urgent,
                 [this](int result) { on_fsync(result); })) {
    finish_round();
  }
}

void GroupCommit::on_fsync(int result) {
  round_.completed(result);
  if (feed_round(round_, reactor::kFsyncsInFlightMax, reactor::FsyncLane::urgent,
                 [this](int r) { on_fsync(r); })) {
    finish_round();
  }
}

void GroupCommit::finish_round() {
  Status st = log_.complete_flush(round_.plan, round_.result);
  if (!st.ok()) {
    log_error("shard {}: flush failed, refusing writes: {}", reactor_.core(), st.error().to_string());
    waiters_.release_all([this](std::unique_ptr<SendJob> job) { answer_(std::move(job), rc::kFlushDiskTimeout); });
    return;
  }
  const std::size_t answered = waiters_.release_through(
      log_.durable_offset().value, [this](std::unique_ptr<SendJob> job) { answer_(std::move(job), rc::kSuccess); });
  if (group_done_) group_done_(answered, (monotonic_ns() - round_started_ns_) / 1000);
  // Appends that arrived while this round ran need the next one.
  if (!waiters_.empty()) schedule_round();
}

void GroupCommit::arm_deadline_timer() {
  if (deadline_timer_armed_ || waiters_.empty()) return;
  const std::int64_t delay_ms = std::max<std::int64_t>(waiters_.oldest_deadline_ms() - monotonic_ms(), 0) + 1;
  if (auto timer = reactor_.add_timer(delay_ms, [this] { on_deadline(); }); timer.ok()) {
    deadline_timer_armed_ = true;
  } else {
    // Only at the reactor's timer limit; the next wait() tries again.
    log_error("core {}: cannot arm the sync-flush deadline timer: {}", reactor_.core(), timer.error().to_string());
  }
}

void GroupCommit::on_deadline() {
  deadline_timer_armed_ = false;
  const std::size_t expired = waiters_.release_late(
      monotonic_ms(), [this](std::unique_ptr<SendJob> job) { answer_(std::move(job), rc::kFlushDiskTimeout); });
  if (expired > 0)
    log_warn("shard {}: {} sends answered FLUSH_DISK_TIMEOUT: not durable within {} ms", reactor_.core(), expired,
             timeout_ms_);
  arm_deadline_timer();
}

}  // namespace ringmq::broker
