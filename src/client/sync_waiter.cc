#include "client/sync_waiter.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "base/clock.h"
#include "base/cpu_relax.h"

namespace ringmq::client {

namespace {

constexpr std::int64_t kNsPerSecond = 1000000000;

long futex(std::atomic<std::uint32_t>* word, int op, std::uint32_t value, const timespec* timeout) {
  // std::atomic<uint32_t> is a plain 32-bit word on Linux (static_assert below), as futex needs.
  return ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), op, value, timeout, nullptr, 0);
}
static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

}  // namespace

bool SyncWaiter::wait_for(std::int64_t timeout_ms) {
  for (unsigned i = 0; i < kSyncWaitPolls; ++i) {
    if (state_.load(std::memory_order_acquire) == kReady) return true;
    cpu_relax();
  }
  std::uint32_t expected = kEmpty;
  // Announce the sleep; failing means signal() came first.
  if (!state_.compare_exchange_strong(expected, kSleeping, std::memory_order_acq_rel)) return true;
  const std::int64_t deadline_ns = monotonic_ns() + timeout_ms * 1000000;
  while (true) {
    const std::int64_t left_ns = deadline_ns - monotonic_ns();
    if (left_ns <= 0) return state_.load(std::memory_order_acquire) == kReady;
    const timespec timeout{static_cast<time_t>(left_ns / kNsPerSecond), static_cast<long>(left_ns % kNsPerSecond)};
    // Returns at once (EAGAIN) if the word is no longer kSleeping, i.e. signal() already ran.
    (void)futex(&state_, FUTEX_WAIT_PRIVATE, kSleeping, &timeout);
    if (state_.load(std::memory_order_acquire) == kReady) return true;
    // EINTR, ETIMEDOUT or a spurious wake-up: the loop re-checks the deadline.
  }
}

void SyncWaiter::signal() {
  if (state_.exchange(kReady, std::memory_order_acq_rel) == kSleeping)
    (void)futex(&state_, FUTEX_WAKE_PRIVATE, 1, nullptr);
}

}  // namespace ringmq::client
