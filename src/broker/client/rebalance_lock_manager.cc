#include "broker/client/rebalance_lock_manager.h"

#include <fmt/format.h>

namespace ringmq::broker {

std::size_t RebalanceLockManager::new_entries_needed(const std::string& group,
                                                     const std::vector<LockedQueue>& mqs) const {
  std::size_t needed = 0;
  for (const LockedQueue& mq : mqs) needed += table_.count(Key{group, mq}) == 0 ? 1 : 0;
  return needed;
}

Result<std::vector<LockedQueue>> RebalanceLockManager::try_lock(const std::string& group, const std::string& client_id,
                                                                const std::vector<LockedQueue>& mqs,
                                                                std::int64_t now_ms) {
  // Sweeping at most once per live time keeps the cost O(table) per minute, not per request.
  if (now_ms - last_sweep_ms_ >= kRebalanceLockMaxLiveMs) remove_expired(now_ms);
  std::size_t needed = new_entries_needed(group, mqs);
  if (table_.size() + needed > kRebalanceLockEntriesMax) {
    // Full: expired locks may still free room before we refuse.
    remove_expired(now_ms);
    needed = new_entries_needed(group, mqs);
    if (table_.size() + needed > kRebalanceLockEntriesMax) {
      return make_error(Errc::too_large, fmt::format("the rebalance lock table is full ({} locks, limit "
                                                     "kRebalanceLockEntriesMax={})",
                                                     table_.size(), kRebalanceLockEntriesMax));
    }
  }
  std::vector<LockedQueue> granted;
  for (const LockedQueue& mq : mqs) {
    auto [it, inserted] = table_.try_emplace(Key{group, mq}, Entry{client_id, now_ms});
    if (!inserted && it->second.client_id != client_id && now_ms - it->second.last_update_ms <= kRebalanceLockMaxLiveMs) {
      continue;
    }
    it->second = Entry{client_id, now_ms};
    granted.push_back(mq);
  }
  return granted;
}

void RebalanceLockManager::unlock(const std::string& group, const std::string& client_id,
                                  const std::vector<LockedQueue>& mqs) {
  for (const LockedQueue& mq : mqs) {
    auto it = table_.find(Key{group, mq});
    if (it != table_.end() && it->second.client_id == client_id) table_.erase(it);
  }
}

std::size_t RebalanceLockManager::remove_expired(std::int64_t now_ms) {
  last_sweep_ms_ = now_ms;
  return std::erase_if(table_, [now_ms](const auto& kv) {
    return now_ms - kv.second.last_update_ms > kRebalanceLockMaxLiveMs;
  });
}

}  // namespace ringmq::broker
