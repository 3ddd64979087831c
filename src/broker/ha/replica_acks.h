// ReplicaAcks: what the slaves of one shard have confirmed, on the master (the shard's core).
// RocketMQ HAService keeps one push2SlaveMaxOffset; ringmq keeps one offset per slave connection
// so a slave that goes away stops counting at once.
//
// A slave is "in sync" when it is connected and the master's log end is less than
// haSlaveFallbehindMax past what it confirmed (RocketMQ HAService.isSlaveOK). SYNC_MASTER sends wait
// in ReplicaWaiters (one FIFO per core, like GroupCommit's: appends come in offset order and share
// one timeout, so "confirmed" and "late" are both prefixes) until the best slave confirms them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

namespace ringmq::broker::ha {

class ReplicaAcks {
 public:
  // A slave connected (at `offset`) or confirmed `offset`; offsets only grow.
  void update(std::uint64_t slave, std::int64_t offset);
  void forget(std::uint64_t slave);
  std::size_t slaves() const { return acked_.size(); }
  // The highest offset any slave confirmed, or -1 without slaves.
  std::int64_t max_acked() const;
  // Whether some slave is within `fallbehind_max` bytes of `write_offset`.
  bool any_in_sync(std::int64_t write_offset, std::int64_t fallbehind_max) const;
  // Bytes the best slave is behind `write_offset` (the whole log without slaves, floored at 0).
  std::int64_t fallbehind(std::int64_t write_offset, std::int64_t log_min) const;

 private:
  std::unordered_map<std::uint64_t, std::int64_t> acked_;
};

// Sends parked for a slave's confirmation on one core, past which a send is answered at once.
inline constexpr std::size_t kReplicaWaitersPerCoreMax = 64 * 1024;

// A FIFO of parked items, each to be answered once a slave confirmed `end` or when its deadline
// passes. T is the parked thing (a SendJob in the broker, an int in the tests).
template <typename T>
class ReplicaWaiters {
 public:
  struct Waiter {
    std::int64_t end;
    std::int64_t deadline_ms;
    std::unique_ptr<T> item;
  };
  bool full() const { return waiters_.size() >= kReplicaWaitersPerCoreMax; }
  bool empty() const { return waiters_.empty(); }
  std::size_t size() const { return waiters_.size(); }
  void push(std::int64_t end, std::int64_t deadline_ms, std::unique_ptr<T> item) {
    waiters_.push_back(Waiter{end, deadline_ms, std::move(item)});
  }
  // Items confirmed by `acked` (their end <= acked), oldest first.
  std::vector<std::unique_ptr<T>> take_confirmed(std::int64_t acked) {
    std::vector<std::unique_ptr<T>> out;
    while (!waiters_.empty() && waiters_.front().end <= acked) {
      out.push_back(std::move(waiters_.front().item));
      waiters_.pop_front();
    }
    return out;
  }
  // Items whose deadline is <= now_ms, oldest first.
  std::vector<std::unique_ptr<T>> take_late(std::int64_t now_ms) {
    std::vector<std::unique_ptr<T>> out;
    while (!waiters_.empty() && waiters_.front().deadline_ms <= now_ms) {
      out.push_back(std::move(waiters_.front().item));
      waiters_.pop_front();
    }
    return out;
  }
  std::int64_t oldest_deadline_ms() const { return waiters_.empty() ? 0 : waiters_.front().deadline_ms; }
  void clear() { waiters_.clear(); }

 private:
  std::deque<Waiter> waiters_;
};

}  // namespace ringmq::broker::ha
