// ReplicaAcks: what the slaves of one shard have confirmed, on the master (the shard's core).
// RocketMQ HAService keeps one push2SlaveMaxOffset; ringmq keeps one offset per slave connection
// so a slave that goes away stops counting at once.
//
// A slave is "in sync" when it is connected and the master's log end is less than
// haSlaveFallbehindMax past what it confirmed (RocketMQ HAService.isSlaveOK). SYNC_MASTER sends wait
// in HaMaster's per-core OffsetWaiters (broker/offset_waiters.h, as GroupCommit's) until the best
// slave confirms them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>

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

}  // namespace ringmq::broker::ha
