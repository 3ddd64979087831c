// Cross-core messages and wake-ups of the Reactor (reactor.h): the bounded single-producer rings
// one core posts tasks through to another, the locked inbox for threads outside the engine, and
// the wake-up of a core sleeping in io_uring_wait (MSG_RING from a core, an eventfd write from
// elsewhere). The loop itself (reactor.cc) drains the inboxes once per pass.
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "base/log.h"
#include "reactor/engine.h"
#include "reactor/reactor.h"

namespace ringmq::reactor {

Status Reactor::post(unsigned target, Task task) {
  if (target >= core_count_) return make_error(Errc::invalid_argument, fmt::format("no core {}", target));
  if (!try_post(target, task)) return make_error(Errc::busy, fmt::format("ring to core {} is full", target));
  return {};
}

bool Reactor::try_post(unsigned target, Task& task) {
  RINGMQ_ASSERT(current() == this && target < core_count_);
  Reactor& dest = engine_.reactor(target);
  CrossCoreRing* ring = dest.inbound_[core_].load(std::memory_order_relaxed);
  if (ring == nullptr) {
    // Only this core ever writes this slot, so a plain publish is enough.
    ring = new CrossCoreRing();
    dest.inbound_[core_].store(ring, std::memory_order_release);
  }
  if (!ring->try_push(task)) {
    ++stats_.posts_refused_busy;
    return false;
  }
  last_cross_core_ns_ = now_ns_;
  if (&dest == this) return true;
  // Pairs with the sleeper's store to sleeping_ and re-check of its inboxes.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (dest.sleeping_.load(std::memory_order_relaxed) && dest.sleeping_.exchange(false)) send_wake_to(dest);
  return true;
}

void Reactor::send_wake_to(Reactor& target) {
  // MSG_RING posts a CQE straight into the target's ring. It is submitted at once rather than with
  // the loop's next submit: this core may be inside a long task, and a sleeping target costs one
  // wake-up per sleep, not one per post.
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_msg_ring(sqe, target.ring_.ring_fd, 0, kWakeUserData, 0);
  sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
  io_uring_sqe_set_data64(sqe, kIgnoredUserData);
  io_uring_submit(&ring_);
}

Status Reactor::post_external(Task task) {
  {
    std::lock_guard lock(external_mutex_);
    if (external_.size() >= kExternalInboxCapacity)
      return make_error(Errc::busy, fmt::format("external inbox of core {} is full", core_));
    external_.push_back(std::move(task));
    external_pending_.store(true, std::memory_order_release);
  }
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (sleeping_.load(std::memory_order_relaxed) && sleeping_.exchange(false)) wake();
  return {};
}

void Reactor::wake() {
  const std::uint64_t one = 1;
  // An eventfd write only fails if the counter would overflow, which means a wake-up is pending.
  [[maybe_unused]] ssize_t written = ::write(wake_fd_, &one, sizeof one);
}

void Reactor::arm_wake_read() {
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_read(sqe, wake_fd_, &wake_value_, sizeof wake_value_, 0);
  set_op(sqe, wake_op_);
}

void Reactor::on_wake_read_complete(IoOp& op, const io_uring_cqe& cqe) {
  auto& self = *static_cast<Reactor*>(op.owner);
  if (cqe.res < 0 && cqe.res != -EINTR && cqe.res != -EAGAIN) {
    log_error("core {}: wake-up read failed: {}", self.core_, std::strerror(-cqe.res));
  }
  self.arm_wake_read();
}

bool Reactor::drain_inboxes() {
  bool ran = false;
  for (unsigned source = 0; source < core_count_; ++source) {
    CrossCoreRing* ring = inbound_[source].load(std::memory_order_acquire);
    if (ring == nullptr) continue;
    if (ring->drain([](Task& task) { task(); }, kInboxBatchMax) > 0) ran = true;
  }
  if (external_pending_.load(std::memory_order_acquire)) {
    // The whole inbox is taken in one swap (one lock round per batch, not per task); both vectors
    // keep their capacity, so the steady state allocates nothing.
    {
      std::lock_guard lock(external_mutex_);
      external_batch_.swap(external_);
      external_pending_.store(false, std::memory_order_relaxed);
    }
    for (Task& task : external_batch_) task();
    ran = ran || !external_batch_.empty();
    external_batch_.clear();
  }
  if (ran) last_cross_core_ns_ = now_ns_;
  return ran;
}

bool Reactor::inbox_pending() const {
  for (unsigned source = 0; source < core_count_; ++source) {
    const CrossCoreRing* ring = inbound_[source].load(std::memory_order_acquire);
    if (ring != nullptr && !ring->empty()) return true;
  }
  return external_pending_.load(std::memory_order_acquire) || stop_requested_.load(std::memory_order_acquire);
}

}  // namespace ringmq::reactor
