#include "reactor/timers.h"

#include <algorithm>
#include <utility>

namespace ringmq::reactor {

bool TimerQueue::later(const HeapEntry& a, const HeapEntry& b) {
  if (a.deadline_ns != b.deadline_ns) return a.deadline_ns > b.deadline_ns;
  return a.sequence > b.sequence;
}

void TimerQueue::push(HeapEntry entry) {
  heap_.push_back(entry);
  std::push_heap(heap_.begin(), heap_.end(), later);
}

TimerQueue::HeapEntry TimerQueue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  const HeapEntry top = heap_.back();
  heap_.pop_back();
  return top;
}

bool TimerQueue::stale(const HeapEntry& entry) const {
  const Slot& slot = slots_[entry.slot];
  return !slot.live || slot.generation != entry.generation;
}

void TimerQueue::retire(std::uint32_t index) {
  Slot& slot = slots_[index];
  RINGMQ_ASSERT(slot.live);
  // The callback's captures are destroyed last, from a local: their destructors may add timers,
  // which can move slots_.
  TimerFn dead = std::move(slot.fn);
  slot.live = false;
  ++slot.generation;
  if (slot.generation == 0) slot.generation = 1;  // 0 would make a TimerId look invalid
  free_slots_.push_back(index);
  --live_;
}

Result<TimerId> TimerQueue::add(std::int64_t deadline_ns, std::int64_t period_ns, TimerFn fn) {
  RINGMQ_ASSERT(static_cast<bool>(fn));
  if (live_ >= kTimersPerCoreMax) return make_error(Errc::no_space, "too many timers on this core");
  std::uint32_t index;
  if (!free_slots_.empty()) {
    index = free_slots_.back();
    free_slots_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[index];
  slot.fn = std::move(fn);
  slot.period_ns = period_ns;
  slot.live = true;
  ++live_;
  push(HeapEntry{deadline_ns, next_sequence_++, index, slot.generation});
  compact_if_needed();
  return TimerId{(static_cast<std::uint64_t>(slot.generation) << 32) | index};
}

bool TimerQueue::cancel(TimerId id) {
  if (!id.valid()) return false;
  const auto index = static_cast<std::uint32_t>(id.value & 0xffffffffu);
  const auto generation = static_cast<std::uint32_t>(id.value >> 32);
  if (index >= slots_.size()) return false;
  const Slot& slot = slots_[index];
  if (!slot.live || slot.generation != generation) return false;
  retire(index);
  return true;
}

void TimerQueue::cancel_all() {
  // Timers added while the old ones are torn down (by capture destructors) survive.
  std::vector<TimerId> doomed;
  for (std::uint32_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].live) doomed.push_back(TimerId{(static_cast<std::uint64_t>(slots_[i].generation) << 32) | i});
  heap_.clear();
  for (TimerId id : doomed) cancel(id);
}

std::size_t TimerQueue::run_expired(std::int64_t now_ns) {
  // Timers added by callbacks during this pass wait for the next one, so a zero-delay timer that
  // re-adds itself cannot spin here forever.
  const std::uint64_t sequence_limit = next_sequence_;
  std::size_t ran = 0;
  while (!heap_.empty() && heap_.front().deadline_ns <= now_ns && heap_.front().sequence < sequence_limit) {
    const HeapEntry entry = pop();
    if (stale(entry)) continue;
    // The callback runs from a local: it may add timers, which can move slots_.
    TimerFn fn = std::move(slots_[entry.slot].fn);
    const std::int64_t period_ns = slots_[entry.slot].period_ns;
    if (period_ns == 0) retire(entry.slot);
    fn();
    ++ran;
    if (period_ns == 0) continue;
    Slot& slot = slots_[entry.slot];
    if (!slot.live || slot.generation != entry.generation) continue;  // cancelled itself
    slot.fn = std::move(fn);
    // A late core skips missed ticks instead of firing a burst to catch up.
    const std::int64_t next = std::max(entry.deadline_ns + period_ns, now_ns + 1);
    push(HeapEntry{next, next_sequence_++, entry.slot, entry.generation});
  }
  return ran;
}

std::optional<std::int64_t> TimerQueue::next_deadline_ns() {
  while (!heap_.empty() && stale(heap_.front())) pop();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().deadline_ns;
}

void TimerQueue::compact_if_needed() {
  // Request timeouts are mostly cancelled (the response came first); drop their entries in bulk.
  if (heap_.size() < 1024 || heap_.size() < 4 * live_) return;
  std::erase_if(heap_, [this](const HeapEntry& e) { return stale(e); });
  std::make_heap(heap_.begin(), heap_.end(), later);
}

}  // namespace ringmq::reactor
