// RebalanceLockManager: the queue locks of orderly consumers (RocketMQ
// B/client/rebalance/RebalanceLockManager.java): (group, brokerName, topic, queueId) -> {clientId,
// last update}. A lock is granted when free, expired (kRebalanceLockMaxLiveMs) or already held by
// the caller.
//
// Owner: core 0 (rebalance_lock_processor.cc). Clients can name any queue, so the table is bounded:
// expired entries are swept on access at most once per kRebalanceLockMaxLiveMs, and a request that
// would need more than kRebalanceLockEntriesMax entries (after a sweep) is refused whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "broker/broker_limits.h"
#include "protocol/message_queue.h"

namespace ringmq::broker {

// rocketmq.broker.rebalance.lockMaxLiveTime.
inline constexpr std::int64_t kRebalanceLockMaxLiveMs = 60'000;

// A queue as LOCK_BATCH_MQ names it.
using LockedQueue = protocol::MessageQueue;

class RebalanceLockManager {
 public:
  // The queues of `mqs` now locked by `client_id`; too_large (nothing changed) when granting them
  // would take the table past kRebalanceLockEntriesMax.
  Result<std::vector<LockedQueue>> try_lock(const std::string& group, const std::string& client_id,
                                            const std::vector<LockedQueue>& mqs, std::int64_t now_ms);
  // Releases the queues of `mqs` that `client_id` holds.
  void unlock(const std::string& group, const std::string& client_id, const std::vector<LockedQueue>& mqs);
  // Drops locks not renewed within kRebalanceLockMaxLiveMs; returns how many.
  std::size_t remove_expired(std::int64_t now_ms);
  std::size_t size() const { return table_.size(); }

 private:
  struct Entry {
    std::string client_id;
    std::int64_t last_update_ms = 0;
  };
  using Key = std::pair<std::string, LockedQueue>;

  std::size_t new_entries_needed(const std::string& group, const std::vector<LockedQueue>& mqs) const;

  std::map<Key, Entry> table_;
  std::int64_t last_sweep_ms_ = 0;
};

}  // namespace ringmq::broker
