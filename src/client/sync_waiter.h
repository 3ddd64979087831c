// SyncWaiter: hands one result from the client's reactor thread to the caller blocked in
// ClientInstance::invoke_sync. The caller polls briefly, then sleeps on a futex; the reactor's
// signal() makes a futex syscall only when the caller is actually asleep. std::binary_semaphore's
// timed wait (libstdc++ 12) instead spins with sched_yield and backs off with sleeps, which on a
// loaded machine both burns CPU and adds milliseconds to a sub-millisecond call; and its release
// always makes the wake-up syscall.
//
// Threading: one waiting thread and one signalling thread; signal() at most once. The object must
// outlive both sides (invoke_sync shares it with the callback: the call may be answered after the
// caller timed out and left).
#pragma once

#include <atomic>
#include <cstdint>

namespace ringmq::client {

// Polls of the ready flag before the caller goes to sleep. A reply takes at least one network
// round trip (tens of microseconds), so a long spin would only steal CPU from the threads that
// produce that reply; this just covers a reply that is already on its way.
inline constexpr unsigned kSyncWaitPolls = 64;

class SyncWaiter {
 public:
  SyncWaiter() = default;
  SyncWaiter(const SyncWaiter&) = delete;
  SyncWaiter& operator=(const SyncWaiter&) = delete;

  // Blocks until signal() or until `timeout_ms` passed. True if signalled; what signal()'s caller
  // wrote before signalling is then visible.
  bool wait_for(std::int64_t timeout_ms);
  // Wakes the waiter (now or whenever it waits). Call once.
  void signal();
  bool signalled() const { return state_.load(std::memory_order_acquire) == kReady; }

 private:
  static constexpr std::uint32_t kEmpty = 0;
  static constexpr std::uint32_t kSleeping = 1;  // the waiter is (about to be) in futex_wait
  static constexpr std::uint32_t kReady = 2;

  std::atomic<std::uint32_t> state_{kEmpty};
};

}  // namespace ringmq::client
