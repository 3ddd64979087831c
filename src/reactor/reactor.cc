#include "reactor/reactor.h"

#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "base/clock.h"
#include "base/cpu_relax.h"
#include "base/log.h"
#include "base/log_limiter.h"
#include "reactor/engine.h"

namespace ringmq::reactor {

namespace {
thread_local Reactor* t_current = nullptr;

// Tries the flags the design asks for, then plain ones (older kernels reject SINGLE_ISSUER and
// DEFER_TASKRUN with EINVAL).
Status setup_ring(io_uring& ring, unsigned core) {
  io_uring_params params{};
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE;
  params.cq_entries = kCompletionQueueEntries;
  int ret = io_uring_queue_init_params(kSubmissionQueueEntries, &ring, &params);
  if (ret == 0) return {};
  log_warn("core {}: io_uring setup with SINGLE_ISSUER|DEFER_TASKRUN failed ({}); falling back to plain flags",
           core, std::strerror(-ret));
  params = io_uring_params{};
  params.flags = IORING_SETUP_CQSIZE;
  params.cq_entries = kCompletionQueueEntries;
  ret = io_uring_queue_init_params(kSubmissionQueueEntries, &ring, &params);
  if (ret < 0) return make_sys_error(-ret, "io_uring_queue_init_params");
  return {};
}
}  // namespace

struct Reactor::Listener {
  Reactor* reactor = nullptr;
  int fd = -1;
  ConnectionHandler* handler = nullptr;
  IoOp accept_op;
  bool armed = false;
  bool closing = false;
};

Reactor::Reactor(Engine& engine, unsigned core, unsigned core_count, RecvBufferConfig recv_buffers)
    : engine_(engine),
      core_(core),
      core_count_(core_count),
      recv_buffer_config_(recv_buffers),
      inbound_(new std::atomic<CrossCoreRing*>[core_count]) {
  for (unsigned i = 0; i < core_count; ++i) inbound_[i].store(nullptr, std::memory_order_relaxed);
  wake_op_ = IoOp{&Reactor::on_wake_read_complete, this};
}

Reactor::~Reactor() {
  // Shutdown waited for every fsync, so the syncer has nothing left to post; join it before the
  // inboxes and the eventfd it posts through go away.
  syncer_.reset();
  teardown();
  // Closed only here (after the core thread ended): stop() may write it from any thread until then.
  if (wake_fd_ >= 0) ::close(wake_fd_);
  for (unsigned i = 0; i < core_count_; ++i) delete inbound_[i].load(std::memory_order_acquire);
}

Reactor* Reactor::current() { return t_current; }

Status Reactor::init() {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (wake_fd_ < 0) return make_sys_error(errno, "eventfd");
  RINGMQ_TRY(setup_ring(ring_, core_));
  ring_ready_ = true;
  RINGMQ_TRY(buffers_.init(ring_, kRecvBufferGroupId, recv_buffer_config_.count, recv_buffer_config_.bytes));
  t_current = this;
  now_ns_ = monotonic_ns();
  arm_wake_read();
  return {};
}

void Reactor::teardown() {
  if (ring_ready_) {
    buffers_.destroy();
    io_uring_queue_exit(&ring_);
    ring_ready_ = false;
  }
  for (auto& listener : listeners_)
    if (listener->fd >= 0) ::close(listener->fd);
  listeners_.clear();
  // Connections that outlived the shutdown deadline: the ring is gone, so no completion can name
  // them any more; only their sockets are left to close.
  for (auto& conn : connections_) {
    if (conn->fd_ >= 0) ::close(conn->fd_);
    conn->fd_ = -1;
  }
  if (t_current == this) t_current = nullptr;
}

// ---------------------------------------------------------------------------------------------
// The loop.

std::int64_t Reactor::busy_ns() const {
  if (run_started_ns_ == 0) return 0;
  return std::max<std::int64_t>(0, monotonic_ns() - run_started_ns_ - static_cast<std::int64_t>(stats_.idle_ns));
}

void Reactor::update_busy_ratio() {
  const std::int64_t elapsed = now_ns_ - ratio_window_start_ns_;
  if (elapsed < kBusyRatioWindowNs) return;
  const auto idle = static_cast<double>(stats_.idle_ns - ratio_window_idle_ns_);
  stats_.busy_ratio = std::clamp(1.0 - idle / static_cast<double>(elapsed), 0.0, 1.0);
  ratio_window_start_ns_ = now_ns_;
  ratio_window_idle_ns_ = stats_.idle_ns;
}

void Reactor::run() {
  run_started_ns_ = ratio_window_start_ns_ = monotonic_ns();
  while (true) {
    now_ns_ = monotonic_ns();
    update_busy_ratio();
    timers_.run_expired(now_ns_);
    const bool had_tasks = drain_inboxes();
    process_deferred();
    for (const auto& hook : before_sends_hooks_) hook();
    flush_sends();
    if (stop_requested_.load(std::memory_order_acquire) && !shutting_down_) begin_shutdown();
    if (shutting_down_ && shutdown_finished()) break;
    // Connections still closing wait for their cancelled operations' CQEs, which wake the loop;
    // one that has none left (closed from an on_close) must be finished without sleeping.
    bool busy = had_tasks || !rearm_queue_.empty() || !flush_queue_.empty();
    for (const Connection* conn : closing_) busy = busy || !conn->ops_in_flight();
    wait_and_dispatch(busy);
  }
}

void Reactor::process_deferred() {
  // Connections whose last operation has completed are finished; the rest wait for their CQEs.
  for (std::size_t i = 0; i < closing_.size();) {
    Connection* conn = closing_[i];
    if (conn->ops_in_flight()) {
      ++i;
      continue;
    }
    closing_[i] = closing_.back();
    closing_.pop_back();
    conn->finish_close();
    release_connection(*conn);
    ++stats_.closed;
  }
  if (!rearm_queue_.empty()) {
    std::vector<ConnectionId> ids;
    ids.swap(rearm_queue_);
    for (ConnectionId id : ids) {
      Connection* conn = find(id);
      if (conn != nullptr && conn->is_open() && !conn->recv_armed_) {
        conn->arm_recv();
        ++stats_.recv_rearmed_after_enobufs;
      }
    }
  }
}

void Reactor::flush_sends() {
  // Everything queued during this pass leaves in one sendmsg per connection.
  for (std::size_t i = 0; i < flush_queue_.size(); ++i) {
    Connection* conn = find(flush_queue_[i]);
    if (conn == nullptr) continue;
    conn->flush_queued_ = false;
    conn->flush();
  }
  flush_queue_.clear();
}

bool Reactor::spin_for_inbox(std::int64_t budget_ns) const {
  const std::int64_t spin_until = monotonic_ns() + budget_ns;
  while (true) {
    for (unsigned i = 0; i < kIdleSpinPollsPerClockRead; ++i) {
      if (inbox_pending()) return true;
      cpu_relax();
    }
    if (monotonic_ns() >= spin_until) return false;
  }
}

bool Reactor::poll_for_work(std::int64_t budget_ns) {
  const std::int64_t poll_until = monotonic_ns() + budget_ns;
  io_uring_submit(&ring_);
  while (true) {
    if (io_uring_cq_ready(&ring_) > 0 || inbox_pending()) return true;
    // A DEFER_TASKRUN ring posts network completions only when its task enters the kernel.
    io_uring_get_events(&ring_);
    if (io_uring_cq_ready(&ring_) > 0) return true;
    if (monotonic_ns() >= poll_until) return false;
    cpu_relax();
  }
}

void Reactor::sample_preemptions(std::int64_t now_ns) {
  rusage usage{};
  if (::getrusage(RUSAGE_THREAD, &usage) != 0) return;  // no sample: polling goes on as it was
  if (idle_poll_.on_preemption_sample(now_ns, usage.ru_nivcsw)) ++stats_.idle_poll_pauses;
}

void Reactor::wait_and_dispatch(bool busy) {
  if (!busy && spin_budget_ns_ > 0 && now_ns_ - last_cross_core_ns_ < kIdleSpinWindowNs) {
    // Cross-core traffic is flowing: a short spin answers the next message without a wake-up.
    const std::int64_t spin_start_ns = monotonic_ns();
    busy = spin_for_inbox(spin_budget_ns_);
    stats_.idle_ns += static_cast<std::uint64_t>(monotonic_ns() - spin_start_ns);
    // A spin that caught nothing only burnt CPU (which a peer on the same CPU may have needed).
    if (!busy) spin_budget_ns_ = spin_budget_ns_ / 2 < kIdleSpinMinNs ? 0 : spin_budget_ns_ / 2;
  }
  if (!busy && !shutting_down_) {
    const std::int64_t budget_ns = idle_poll_.budget_ns(now_ns_);
    if (budget_ns > 0) {
      const std::int64_t poll_start_ns = monotonic_ns();
      busy = poll_for_work(budget_ns);
      if (busy) ++stats_.idle_polls_caught;
      const std::int64_t poll_end_ns = monotonic_ns();
      stats_.idle_ns += static_cast<std::uint64_t>(poll_end_ns - poll_start_ns);
      if (idle_poll_.wants_preemption_sample(poll_end_ns)) sample_preemptions(poll_end_ns);
    }
  }
  if (!busy) {
    sleeping_.store(true, std::memory_order_seq_cst);
    if (inbox_pending()) {
      sleeping_.store(false, std::memory_order_relaxed);
      busy = true;
    }
  }
  int ret;
  if (busy) {
    ret = io_uring_submit_and_get_events(&ring_);
  } else {
    const std::int64_t sleep_start_ns = monotonic_ns();
    __kernel_timespec timeout{};
    __kernel_timespec* timeout_ptr = nullptr;
    std::optional<std::int64_t> deadline = timers_.next_deadline_ns();
    // Stopping: wake at the shutdown deadline to give up on slow connections. Past it the loop
    // goes on only for fsyncs in flight, whose completions wake it; a zero timeout here would spin
    // the core, and a spinning core starves the SCHED_IDLE syncer it is waiting for.
    if (shutting_down_ && now_ns_ < shutdown_deadline_ns_ && (!deadline || *deadline > shutdown_deadline_ns_))
      deadline = shutdown_deadline_ns_;
    if (deadline) {
      const std::int64_t wait_ns = std::max<std::int64_t>(*deadline - monotonic_ns(), 0);
      timeout.tv_sec = wait_ns / 1000000000;
      timeout.tv_nsec = wait_ns % 1000000000;
      timeout_ptr = &timeout;
    }
    io_uring_cqe* cqe = nullptr;
    ret = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, timeout_ptr, nullptr);
    sleeping_.store(false, std::memory_order_relaxed);
    const std::int64_t slept_ns = monotonic_ns() - sleep_start_ns;
    stats_.idle_ns += static_cast<std::uint64_t>(slept_ns);
    // Woken by a posted task soon after falling asleep: a spin would have saved the wake-up.
    if (spin_budget_ns_ < kIdleSpinNs && inbox_pending() && slept_ns < kIdleSpinNs)
      spin_budget_ns_ = std::min(std::max(spin_budget_ns_ * 2, kIdleSpinMinNs), kIdleSpinNs);
  }
  if (ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
    log_error("core {}: io_uring_enter failed: {}", core_, std::strerror(-ret));
  dispatch_completions();
}

void Reactor::dispatch_completions() {
  // Copy a batch out of the CQ first, release the slots, then run the callbacks: callbacks may
  // submit, and the kernel can post into the freed space meanwhile.
  io_uring_cqe* ready[kCompletionBatchMax];
  io_uring_cqe batch[kCompletionBatchMax];
  while (true) {
    const unsigned n = io_uring_peek_batch_cqe(&ring_, ready, kCompletionBatchMax);
    if (n == 0) return;
    for (unsigned i = 0; i < n; ++i) batch[i] = *ready[i];
    io_uring_cq_advance(&ring_, n);
    for (unsigned i = 0; i < n; ++i) {
      const std::uint64_t user_data = batch[i].user_data;
      if (user_data == kIgnoredUserData || user_data == kWakeUserData) continue;
      IoOp* op = reinterpret_cast<IoOp*>(user_data);
      op->handler(*op, batch[i]);
    }
    if (n < kCompletionBatchMax) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Shutdown.

void Reactor::request_stop() {
  stop_requested_.store(true, std::memory_order_seq_cst);
  wake();
}

void Reactor::begin_shutdown() {
  shutting_down_ = true;
  shutdown_deadline_ns_ = now_ns_ + kShutdownDrainMs * 1000000;
  // close_listener may remove a listener from listeners_ at once, so walk a copy.
  std::vector<Listener*> listeners;
  for (auto& listener : listeners_) listeners.push_back(listener.get());
  for (Listener* listener : listeners) close_listener(*listener);
  for (auto& conn : connections_)
    if (conn->state_ == Connection::State::open || conn->state_ == Connection::State::connecting)
      conn->close(make_error(Errc::closed, "shutting down"));
  timers_.cancel_all();
}

bool Reactor::shutdown_finished() {
  // An fsync in flight names caller memory and a file the caller keeps open: always wait for it
  // (the kernel completes it; there is no cancelling a sync already issued).
  if (fsyncs_in_flight_ > 0) return false;
  // A zero-copy send's memory is pinned until its notification; the sockets are closed by now,
  // so their buffers are freed soon. Past the drain deadline the pins are left to process exit.
  if (zero_copy_sends_in_flight_ > 0 && now_ns_ < shutdown_deadline_ns_) return false;
  if (live_connections_ == 0 && listeners_.empty()) return true;
  if (now_ns_ < shutdown_deadline_ns_) return false;
  log_warn("core {}: stopping with {} connections and {} listeners still closing", core_, live_connections_,
           listeners_.size());
  return true;
}

// ---------------------------------------------------------------------------------------------
// File durability.

Status Reactor::fsync(int fd, std::int64_t offset, std::int64_t length, bool datasync, FsyncDone done,
                      FsyncLane lane) {
  if (shutting_down_) return make_error(Errc::closed, "core is stopping");
  if (fd < 0 || offset < 0 || length < 0) return make_error(Errc::invalid_argument, "bad fsync range");
  if (!fsync_ops_) {
    fsync_ops_ = std::make_unique<FsyncOp[]>(kFsyncsInFlightMax);
    free_fsync_slots_.reserve(kFsyncsInFlightMax);
    for (std::size_t i = kFsyncsInFlightMax; i > 0; --i) free_fsync_slots_.push_back(static_cast<std::uint32_t>(i - 1));
  }
  if (free_fsync_slots_.empty()) return make_error(Errc::busy, "too many fsyncs in flight");
  const std::uint32_t slot = free_fsync_slots_.back();
  free_fsync_slots_.pop_back();
  FsyncOp& rec = fsync_ops_[slot];
  rec.op = IoOp{&Reactor::on_fsync_complete, &rec};
  rec.done = std::move(done);
  ++fsyncs_in_flight_;
  if (lane == FsyncLane::background) {
    if (!syncer_) syncer_ = std::make_unique<BackgroundSyncer>("rmq-sync" + std::to_string(core_));
    syncer_->submit({fd, datasync, [this, slot](int result) { post_background_fsync_result(slot, result); }});
    return {};
  }
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_fsync(sqe, fd, datasync ? IORING_FSYNC_DATASYNC : 0);
  // The kernel reads off/len as the sync range (vfs_fsync_range(off, len ? off + len - 1 : max)).
  sqe->off = static_cast<std::uint64_t>(offset);
  sqe->len = static_cast<std::uint32_t>(std::min<std::int64_t>(length, UINT32_MAX));
  set_op(sqe, rec.op);
  return {};
}

void Reactor::on_fsync_complete(IoOp& op, const io_uring_cqe& cqe) {
  FsyncOp& rec = *static_cast<FsyncOp*>(op.owner);
  RINGMQ_ASSERT(t_current != nullptr);
  Reactor& self = *t_current;  // completions run on the ring's own thread
  self.complete_fsync(static_cast<std::uint32_t>(&rec - self.fsync_ops_.get()), cqe.res);
}

void Reactor::complete_fsync(std::uint32_t slot, int result) {
  RINGMQ_ASSERT(slot < kFsyncsInFlightMax && fsyncs_in_flight_ > 0);
  FsyncOp& rec = fsync_ops_[slot];
  FsyncDone done = std::move(rec.done);
  rec.done = nullptr;
  --fsyncs_in_flight_;
  free_fsync_slots_.push_back(slot);
  done(result);
}

void Reactor::post_background_fsync_result(std::uint32_t slot, int result) {
  // The external inbox refuses only when full; the result must not be lost (the slot and the
  // caller's round would wait forever), so wait for room. This thread has nothing else to do.
  while (!post_external([this, slot, result] { complete_fsync(slot, result); }).ok()) {
    std::this_thread::sleep_for(kBackgroundSyncRetryDelay);
  }
}

// ---------------------------------------------------------------------------------------------
// Submission helpers.

io_uring_sqe* Reactor::get_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) {
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  RINGMQ_ASSERT(sqe != nullptr);
  return sqe;
}

void Reactor::ensure_sqes(unsigned count) {
  if (io_uring_sq_space_left(&ring_) < count) io_uring_submit(&ring_);
}

void Reactor::cancel_fd(int fd) {
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL);
  io_uring_sqe_set_data64(sqe, kIgnoredUserData);
}

void Reactor::queue_flush(Connection& conn) {
  if (conn.flush_queued_) return;
  conn.flush_queued_ = true;
  flush_queue_.push_back(conn.id());
}

void Reactor::queue_close(Connection& conn) { closing_.push_back(&conn); }

void Reactor::queue_rearm(Connection& conn) { rearm_queue_.push_back(conn.id()); }

// ---------------------------------------------------------------------------------------------
// Connections.

Result<Connection*> Reactor::allocate_connection() {
  if (live_connections_ >= connections_max_)
    return make_error(Errc::too_large, fmt::format("connection limit per core ({}) reached", connections_max_));
  std::uint32_t slot;
  if (!free_connection_slots_.empty()) {
    slot = free_connection_slots_.back();
    free_connection_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(connections_.size());
    connections_.push_back(std::unique_ptr<Connection>(new Connection(*this, slot)));
  }
  ++live_connections_;
  return connections_[slot].get();
}

void Reactor::release_connection(Connection& conn) {
  RINGMQ_ASSERT(conn.state_ == Connection::State::free);
  conn.flush_queued_ = false;
  free_connection_slots_.push_back(conn.slot_);
  --live_connections_;
}

Connection* Reactor::find(ConnectionId id) {
  const auto slot = static_cast<std::uint32_t>(id.value & 0xffffffffu);
  if (!id.valid() || slot >= connections_.size()) return nullptr;
  Connection* conn = connections_[slot].get();
  if (conn->id() != id || conn->state_ == Connection::State::free) return nullptr;
  return conn;
}

Status Reactor::connect(const SocketAddress& address, ConnectionHandler& handler, ConnectDone done) {
  if (shutting_down_) return make_error(Errc::closed, "reactor is stopping");
  RINGMQ_TRY_ASSIGN(Connection * conn, allocate_connection());
  const int fd = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const int err = errno;
    conn->state_ = Connection::State::free;
    release_connection(*conn);
    return make_sys_error(err, "socket");
  }
  conn->begin_connect(fd, address, handler, std::move(done));
  return {};
}

// ---------------------------------------------------------------------------------------------
// Listeners.

Status Reactor::listen(int listen_fd, ConnectionHandler& handler) {
  if (shutting_down_) {
    ::close(listen_fd);
    return make_error(Errc::closed, "reactor is stopping");
  }
  if (listeners_.size() >= kListenersPerCoreMax) {
    ::close(listen_fd);
    return make_error(Errc::too_large, "too many listeners on this core");
  }
  auto listener = std::make_unique<Listener>();
  listener->reactor = this;
  listener->fd = listen_fd;
  listener->handler = &handler;
  listener->accept_op = IoOp{&Reactor::on_accept_complete, listener.get()};
  arm_accept(*listener);
  listeners_.push_back(std::move(listener));
  return {};
}

void Reactor::arm_accept(Listener& listener) {
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_multishot_accept(sqe, listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
  set_op(sqe, listener.accept_op);
  listener.armed = true;
}

void Reactor::close_listener(Listener& listener) {
  if (listener.closing) return;
  listener.closing = true;
  if (listener.armed) {
    io_uring_sqe* sqe = get_sqe();
    io_uring_prep_cancel64(sqe, reinterpret_cast<std::uint64_t>(&listener.accept_op), 0);
    io_uring_sqe_set_data64(sqe, kIgnoredUserData);
  }
  // Without an accept in flight the listener can go now; otherwise its final CQE removes it.
  if (!listener.armed) handle_accept(listener, -ECANCELED, 0);
}

void Reactor::on_accept_complete(IoOp& op, const io_uring_cqe& cqe) {
  auto& listener = *static_cast<Listener*>(op.owner);
  listener.reactor->handle_accept(listener, cqe.res, cqe.flags);
}

void Reactor::handle_accept(Listener& listener, int res, std::uint32_t flags) {
  if ((flags & IORING_CQE_F_MORE) == 0) listener.armed = false;
  if (res >= 0) {
    if (listener.closing) {
      ::close(res);
    } else if (auto conn = allocate_connection(); !conn.ok()) {
      static LogLimiter limiter;  // a flood of connections logs once per window, with the count
      RINGMQ_LOG_LIMITED(limiter, log_warn, "core {}: refusing connection: {}", core_, conn.error().to_string());
      ::close(res);
    } else {
      ++stats_.accepted;
      (*conn)->open_accepted(res, *listener.handler);
    }
  } else if (res != -ECANCELED) {
    log_warn("core {}: accept failed: {}", core_, std::strerror(-res));
  }
  if (listener.armed) return;
  if (listener.closing) {
    ::close(listener.fd);
    listener.fd = -1;
    std::erase_if(listeners_, [&](const auto& l) { return l.get() == &listener; });
    return;
  }
  if (res >= 0 || res == -ECANCELED) {
    arm_accept(listener);
    return;
  }
  // A hard failure (EMFILE, ENFILE, ENOMEM) would repeat at once; back off before accepting again.
  Listener* target = &listener;
  auto timer = add_timer(kAcceptRetryDelayMs, [this, target] {
    for (auto& l : listeners_)
      if (l.get() == target && !l->closing && !l->armed) arm_accept(*l);
  });
  if (!timer.ok()) arm_accept(listener);
}

// ---------------------------------------------------------------------------------------------
// Timers.

Result<TimerId> Reactor::add_timer(std::int64_t delay_ms, TimerFn fn) {
  return timers_.add(monotonic_ns() + delay_ms * 1000000, 0, std::move(fn));
}

Result<TimerId> Reactor::add_periodic_timer(std::int64_t interval_ms, TimerFn fn) {
  if (interval_ms <= 0) return make_error(Errc::invalid_argument, "periodic timer needs a positive interval");
  return timers_.add(monotonic_ns() + interval_ms * 1000000, interval_ms * 1000000, std::move(fn));
}

bool Reactor::cancel_timer(TimerId id) { return timers_.cancel(id); }

}  // namespace ringmq::reactor
