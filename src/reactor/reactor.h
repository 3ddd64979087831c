// Reactor: one core's event loop. Each core runs one Reactor on its own pinned thread with its own
// io_uring (SINGLE_ISSUER | DEFER_TASKRUN when the kernel accepts them), its own listening
// sockets (SO_REUSEPORT), its own connections, timers and provided receive buffers. Nothing in a
// Reactor is shared: other threads reach it only through post() (bounded single-producer/
// single-consumer rings, one per source core, plus a wake-up) and Engine::stop().
//
// Every method must be called on the reactor's own thread unless it says otherwise. Callbacks
// (handlers, timers, tasks) run on that thread, from the loop, one at a time.
#pragma once

#include <liburing.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "reactor/background_syncer.h"
#include "reactor/buffer_ring.h"
#include "reactor/connection.h"
#include "reactor/inplace_function.h"
#include "reactor/io_op.h"
#include "reactor/limits.h"
#include "reactor/sockets.h"
#include "reactor/idle_poll_governor.h"
#include "reactor/spsc_ring.h"
#include "reactor/timers.h"

namespace ringmq::reactor {

class Engine;

// Sizes a core's provided receive buffers (defaults: limits.h). `count` must be a power of two.
struct RecvBufferConfig {
  unsigned count = kRecvBufferCount;
  std::size_t bytes = kRecvBufferBytes;
};

// Counters of one core, for tests and operations; read on the core's thread.
struct ReactorStats {
  std::uint64_t accepted = 0;
  std::uint64_t connected = 0;   // outgoing connects that succeeded
  std::uint64_t closed = 0;      // connections finished (accepted or outgoing)
  std::uint64_t recv_rearmed_after_enobufs = 0;
  std::uint64_t posts_refused_busy = 0;
  std::uint64_t zero_copy_sends = 0;  // sendmsg calls that went out zero-copy
  std::uint64_t idle_polls_caught = 0;  // idle polls that found work before the core slept
  std::uint64_t idle_poll_pauses = 0;   // times polling paused because other threads wanted the CPU
  // Time the loop spent waiting for work: blocked in io_uring_enter, or spinning on the inboxes.
  std::uint64_t idle_ns = 0;
  // Share (0..1) of the last complete kBusyRatioWindowNs window spent on anything but waiting.
  double busy_ratio = 0;
};

// Work handed to a core. Captures up to kTaskCaptureBytes inline; no allocation per post.
using Task = InplaceFunction<void(), kTaskCaptureBytes>;
using CrossCoreRing = SpscRing<Task, kCrossCoreRingCapacity>;
// Told the outcome of Reactor::fsync(): 0, or -errno as the kernel returned it.
using FsyncDone = InplaceFunction<void(int result), kTaskCaptureBytes>;

// Who runs a Reactor::fsync(). urgent: io_uring (io-wq workers at the core's priority), for
// syncs a client waits for. background: this core's SCHED_IDLE BackgroundSyncer thread, for
// syncs nobody waits for; the writeback CPU then never preempts a reactor (background_syncer.h).
enum class FsyncLane { urgent, background };

class Reactor {
 public:
  Reactor(Engine& engine, unsigned core, unsigned core_count, RecvBufferConfig recv_buffers = {});
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;
  ~Reactor();

  // The reactor running on the calling thread, or nullptr on a thread that is not a core.
  static Reactor* current();

  unsigned core() const { return core_; }
  unsigned core_count() const { return core_count_; }
  Engine& engine() const { return engine_; }
  // Monotonic time sampled at the top of the current loop iteration.
  std::int64_t now_ns() const { return now_ns_; }
  // True once shutdown began: no new listeners or connections are accepted.
  bool stopping() const { return shutting_down_; }
  const ReactorStats& stats() const { return stats_; }
  // Time since the loop started that was not spent waiting (stats().idle_ns); on this core only.
  std::int64_t busy_ns() const;

  // --- network -------------------------------------------------------------------------------
  // Accepts connections on `listen_fd` (a bound, listening socket whose ownership moves here) and
  // gives each to `handler`, which must outlive the core's loop.
  Status listen(int listen_fd, ConnectionHandler& handler);
  // Connects to `address`; `done` gets the connection id (handler.on_open ran first) or the error
  // (Errc::timeout after kConnectTimeoutMs). The handler must outlive the connection.
  Status connect(const SocketAddress& address, ConnectionHandler& handler, ConnectDone done);
  // The live (open or closing) connection with this id, or nullptr.
  Connection* find(ConnectionId id);
  std::size_t connection_count() const { return live_connections_; }

  // --- timers --------------------------------------------------------------------------------
  Result<TimerId> add_timer(std::int64_t delay_ms, TimerFn fn);
  Result<TimerId> add_periodic_timer(std::int64_t interval_ms, TimerFn fn);
  // True if the timer was pending and now will not fire.
  bool cancel_timer(TimerId id);

  // --- file durability -----------------------------------------------------------------------
  // Submits IORING_OP_FSYNC on `fd`: fdatasync (IORING_FSYNC_DATASYNC) when `datasync`, else a
  // full fsync, limited to [offset, offset + length) (length 0 = to the end of the file, as
  // sync_file_range reads it). The core never blocks; `done` runs on this core with the result
  // once the kernel completes it. The caller keeps `fd` open until then. `done` runs iff this
  // returns ok. Errors: Errc::busy past kFsyncsInFlightMax, Errc::closed once stopping.
  // Shutdown waits for fsyncs in flight, so every accepted one completes before the stop hooks.
  // The background lane syncs the whole file (see FsyncLane).
  Status fsync(int fd, std::int64_t offset, std::int64_t length, bool datasync, FsyncDone done,
               FsyncLane lane = FsyncLane::urgent);
  std::size_t fsyncs_in_flight() const { return fsyncs_in_flight_; }
  // Zero-copy sends whose kernel notification has not arrived yet.
  std::size_t zero_copy_sends_in_flight() const { return zero_copy_sends_in_flight_; }

  // --- pass end --------------------------------------------------------------------------------
  // Runs `hook` on every loop pass, after the pass's work and just before its queued sends leave:
  // the place to make effects of this pass visible (say, staged store writes) before any reply
  // reporting them does. Hooks run in the order added; they must be cheap when idle.
  void add_before_sends_hook(std::function<void()> hook) { before_sends_hooks_.push_back(std::move(hook)); }

  // --- cross-core ----------------------------------------------------------------------------
  // Runs `task` on core `target` (this core included: it then runs on a later loop iteration).
  // Errc::busy when the ring from this core to the target is full; never blocks, never grows.
  Status post(unsigned target, Task task);
  // As post(), but a full ring hands the task back: returns false and leaves `task` untouched,
  // so the caller can keep it (in order) and try again later.
  bool try_post(unsigned target, Task& task);

 private:
  friend class Engine;
  friend class Connection;
  struct Listener;
  struct FsyncOp {
    IoOp op;  // op.owner points back at this record
    FsyncDone done;
  };
  // One zero-copy sendmsg (Connection::flush). Its first completion carries the send's result;
  // when that has IORING_CQE_F_MORE, a notification follows once the kernel no longer reads the
  // borrowed memory, and only then do the borrowed items' SendDone callbacks run. The record
  // outlives its connection if it must: a connection may finish closing before the notification.
  struct ZeroCopySend {
    IoOp op;  // op.owner points back at this record
    ConnectionId connection;
    std::uint32_t generation = 1;  // bumped on release, so a stale hold finds it gone
    bool notification_pending = false;
    std::vector<std::pair<SendDone, Status>> done;  // run with their status on the notification
    // Owned send buffers the send carried: the kernel reads them too until the notification.
    std::vector<std::string> buffers;
  };

  // Engine-side lifecycle, on the core thread.
  Status init();
  void run();
  void teardown();
  // Any thread.
  Status post_external(Task task);
  void request_stop();
  void wake();

  // Loop steps.
  bool drain_inboxes();
  bool inbox_pending() const;
  void process_deferred();
  void flush_sends();
  void wait_and_dispatch(bool busy);
  // Polls the inboxes for up to `budget_ns`; true if a task (or stop) arrived.
  bool spin_for_inbox(std::int64_t budget_ns) const;
  // Idle polling: submits what is queued, then polls completions (running the ring's deferred task
  // work) and the inboxes for up to `budget_ns`; true as soon as there is something to do.
  bool poll_for_work(std::int64_t budget_ns);
  // Reads this thread's preemption count for the idle-poll governor.
  void sample_preemptions(std::int64_t now_ns);
  void dispatch_completions();
  void begin_shutdown();
  bool shutdown_finished();

  // I/O plumbing for Connection and listeners.
  io_uring_sqe* get_sqe();
  void ensure_sqes(unsigned count);
  void cancel_fd(int fd);
  void queue_flush(Connection& conn);
  void queue_close(Connection& conn);
  void queue_rearm(Connection& conn);
  Result<Connection*> allocate_connection();
  void release_connection(Connection& conn);
  void arm_accept(Listener& listener);
  void close_listener(Listener& listener);
  static void on_accept_complete(IoOp& op, const io_uring_cqe& cqe);
  void handle_accept(Listener& listener, int res, std::uint32_t flags);
  static void on_fsync_complete(IoOp& op, const io_uring_cqe& cqe);
  // Frees `slot` and runs its done(result); on the core thread.
  void complete_fsync(std::uint32_t slot, int result);
  // From the syncer thread: hands a background fsync's result to this core.
  void post_background_fsync_result(std::uint32_t slot, int result);
  // Zero-copy send records (nullptr when every one waits for its notification).
  ZeroCopySend* acquire_zero_copy_send();
  void release_zero_copy_send(ZeroCopySend& rec);
  // Runs the record's callbacks and drops its buffers (the kernel is done with the memory), and
  // frees it.
  void finish_zero_copy_send(ZeroCopySend& rec);
  bool zero_copy_send_pending(const ZeroCopySend* rec, std::uint32_t generation) const {
    return rec != nullptr && rec->generation == generation && rec->notification_pending;
  }
  void arm_wake_read();
  static void on_wake_read_complete(IoOp& op, const io_uring_cqe& cqe);
  void send_wake_to(Reactor& target);

  Engine& engine_;
  const unsigned core_;
  const unsigned core_count_;
  io_uring ring_{};
  bool ring_ready_ = false;
  std::int64_t now_ns_ = 0;
  bool shutting_down_ = false;
  std::int64_t shutdown_deadline_ns_ = 0;

  const RecvBufferConfig recv_buffer_config_;
  ProvidedBufferRing buffers_;
  ReactorStats stats_;
  TimerQueue timers_;

  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<std::uint32_t> free_connection_slots_;
  std::size_t live_connections_ = 0;
  std::size_t connections_max_ = kConnectionsPerCoreMax;  // set by the Engine
  std::vector<Connection*> closing_;
  std::vector<ConnectionId> flush_queue_;
  std::vector<std::function<void()>> before_sends_hooks_;
  std::vector<ConnectionId> rearm_queue_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  // Fixed pool of fsync records (allocated on first use) and the free slots in it.
  std::unique_ptr<FsyncOp[]> fsync_ops_;
  std::vector<std::uint32_t> free_fsync_slots_;
  std::size_t fsyncs_in_flight_ = 0;
  // Zero-copy sends (0 = off; set by the Engine) and their record pool (allocated on first use).
  std::size_t zerocopy_send_min_bytes_ = 0;
  bool zerocopy_to_loopback_ = false;
  IdlePollGovernor idle_poll_;  // EngineOptions::idle_poll_ns, set by the Engine
  std::unique_ptr<ZeroCopySend[]> zero_copy_sends_;
  std::vector<std::uint32_t> free_zero_copy_sends_;
  std::size_t zero_copy_sends_in_flight_ = 0;
  // Started on the first background fsync; joined first thing in the destructor.
  std::unique_ptr<BackgroundSyncer> syncer_;

  // Cross-core inbox: inbound_[source] is written by core `source` only (it allocates the ring on
  // its first post) and drained by this core only.
  std::unique_ptr<std::atomic<CrossCoreRing*>[]> inbound_;
  // Tasks from threads that are not cores; any thread pushes under the mutex. The core swaps the
  // vector with external_batch_ (its own, touched only by the core) to run a batch.
  std::mutex external_mutex_;
  std::vector<Task> external_;
  std::vector<Task> external_batch_;
  std::atomic<bool> external_pending_{false};
  // Set while this core sleeps in the kernel; a poster that clears it owes a wake-up.
  std::atomic<bool> sleeping_{false};
  std::atomic<bool> stop_requested_{false};
  std::int64_t last_cross_core_ns_ = 0;
  // Current idle-spin budget (0 .. kIdleSpinNs), adapted to whether spinning pays off.
  std::int64_t spin_budget_ns_ = kIdleSpinNs;
  // Busy-ratio bookkeeping (run() and wait_and_dispatch()).
  std::int64_t run_started_ns_ = 0;
  std::int64_t ratio_window_start_ns_ = 0;
  std::uint64_t ratio_window_idle_ns_ = 0;
  void update_busy_ratio();
  // Wake-up for posts from other threads and for stop: an eventfd this ring keeps a read on.
  int wake_fd_ = -1;
  std::uint64_t wake_value_ = 0;
  IoOp wake_op_;
};

}  // namespace ringmq::reactor
