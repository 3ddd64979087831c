// OffsetWaiters: sends parked until a watermark (the durable end of the CommitLog, or what a slave
// confirmed) passes the offset each needs, or until its deadline. GroupCommit (--flush sync) and
// HaMaster (SYNC_MASTER) each keep one per core.
//
// One FIFO, no ordering by hand: a core appends in offset order and every waiter of one queue
// shares one timeout, so both "passed by the watermark" and "past its deadline" are prefixes of
// the queue, and a release pops from the front only. push() asserts the order it relies on.
//
// Bounded: a caller asks full() first and answers the send at once when so many already wait.
// Items are released (moved out and popped) before the callback runs, so a callback may push.
//
// Core affinity: the owning core only; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

#include "base/assert.h"

namespace ringmq::broker {

template <typename T>
class OffsetWaiters {
 public:
  explicit OffsetWaiters(std::size_t capacity) : capacity_(capacity) {}

  bool full() const { return waiters_.size() >= capacity_; }
  bool empty() const { return waiters_.empty(); }
  std::size_t size() const { return waiters_.size(); }
  std::size_t capacity() const { return capacity_; }
  // The deadline of the oldest waiter (the next to time out); 0 when none waits.
  std::int64_t oldest_deadline_ms() const { return waiters_.empty() ? 0 : waiters_.front().deadline_ms; }

  // Parks `item` until a watermark reaches `end` or `deadline_ms` passes. The caller checked full().
  void push(std::int64_t end, std::int64_t deadline_ms, T item) {
    RINGMQ_ASSERT(!full());
    RINGMQ_ASSERT(waiters_.empty() || (waiters_.back().end <= end && waiters_.back().deadline_ms <= deadline_ms));
    waiters_.push_back(Waiter{end, deadline_ms, std::move(item)});
  }

  // Releases, oldest first, every waiter whose end is <= `watermark`; fn(T&&). Returns how many.
  template <typename Fn>
  std::size_t release_through(std::int64_t watermark, Fn&& fn) {
    return release_while([watermark](const Waiter& w) { return w.end <= watermark; }, fn);
  }
  // Releases, oldest first, every waiter whose deadline is <= `now_ms`; fn(T&&). Returns how many.
  template <typename Fn>
  std::size_t release_late(std::int64_t now_ms, Fn&& fn) {
    return release_while([now_ms](const Waiter& w) { return w.deadline_ms <= now_ms; }, fn);
  }
  // Releases every waiter, oldest first (e.g. a failed flush answers them all).
  template <typename Fn>
  std::size_t release_all(Fn&& fn) {
    return release_while([](const Waiter&) { return true; }, fn);
  }
  // Drops every waiter unanswered (the core is stopping; nobody can be answered).
  void clear() { waiters_.clear(); }

 private:
  struct Waiter {
    std::int64_t end;          // the watermark this waiter needs
    std::int64_t deadline_ms;  // monotonic
    T item;
  };

  template <typename Pred, typename Fn>
  std::size_t release_while(Pred pred, Fn& fn) {
    std::size_t released = 0;
    while (!waiters_.empty() && pred(waiters_.front())) {
      T item = std::move(waiters_.front().item);
      waiters_.pop_front();
      fn(std::move(item));
      ++released;
    }
    return released;
  }

  const std::size_t capacity_;
  std::deque<Waiter> waiters_;
};

}  // namespace ringmq::broker
