// TimerQueue: one-shot and periodic timers of one core, kept in a binary heap ordered by deadline
// (ties fire in the order they were added). Cancel is O(1): it retires the timer's slot and the
// heap entry is skipped when it surfaces (the heap is rebuilt if retired entries pile up).
// Owned by its core's Reactor; touched only on that core's thread; callbacks run on that thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/result.h"
#include "reactor/inplace_function.h"
#include "reactor/limits.h"

namespace ringmq::reactor {

using TimerFn = InplaceFunction<void(), kTaskCaptureBytes>;

// Names a timer for cancel(). A retired id never matches a newer timer (slot generation).
struct TimerId {
  std::uint64_t value = 0;
  bool valid() const { return value != 0; }
};

class TimerQueue {
 public:
  // Adds a timer due at `deadline_ns` (monotonic). period_ns > 0 makes it periodic.
  // Errc::no_space beyond kTimersPerCoreMax live timers.
  Result<TimerId> add(std::int64_t deadline_ns, std::int64_t period_ns, TimerFn fn);
  // True if the timer was live and will not fire again (a periodic timer may cancel itself).
  bool cancel(TimerId id);
  // Drops every timer without running it (shutdown).
  void cancel_all();
  // Runs the timers due at `now_ns` that existed when the call began; returns how many ran.
  std::size_t run_expired(std::int64_t now_ns);
  // Deadline of the earliest live timer.
  std::optional<std::int64_t> next_deadline_ns();
  std::size_t live() const { return live_; }

 private:
  struct Slot {
    TimerFn fn;
    std::int64_t period_ns = 0;
    std::uint32_t generation = 1;
    bool live = false;
  };
  struct HeapEntry {
    std::int64_t deadline_ns;
    std::uint64_t sequence;
    std::uint32_t slot;
    std::uint32_t generation;
  };

  static bool later(const HeapEntry& a, const HeapEntry& b);
  void push(HeapEntry entry);
  HeapEntry pop();
  bool stale(const HeapEntry& entry) const;
  void retire(std::uint32_t slot);
  void compact_if_needed();

  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<HeapEntry> heap_;
  std::uint64_t next_sequence_ = 0;
  std::size_t live_ = 0;
};

}  // namespace ringmq::reactor
