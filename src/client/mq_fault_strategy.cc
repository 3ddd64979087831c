#include "client/mq_fault_strategy.h"

namespace ringmq::client {

MessageQueue MQFaultStrategy::select(const PublishInfo& info, std::string_view last_failed_broker,
                                     std::int64_t now_ms) const {
  const std::size_t n = info.queues.size();
  const std::uint32_t start = info.send_which_queue.fetch_add(1, std::memory_order_relaxed);
  const bool check_faults = enabled_ && isolated_count_.load(std::memory_order_relaxed) > 0;
  // First choice: healthy and not the broker that just failed. Second: not the failed broker.
  // Last: round-robin regardless (every broker is down or isolated; let the send find out).
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 0 && !check_faults && last_failed_broker.empty()) break;
    for (std::size_t i = 0; i < n; ++i) {
      const MessageQueue& mq = info.queues[(start + i) % n];
      if (mq.broker_name == last_failed_broker) continue;
      if (pass == 0 && check_faults && !available(mq.broker_name, now_ms)) continue;
      return mq;
    }
  }
  return info.queues[start % n];
}

void MQFaultStrategy::update(std::string_view broker_name, bool failed, std::int64_t now_ms) {
  if (!enabled_) return;
  if (!failed && isolated_count_.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard lock(mutex_);
  if (failed) {
    unavailable_until_ms_[std::string(broker_name)] = now_ms + isolation_ms_;
  } else if (auto it = unavailable_until_ms_.find(broker_name); it != unavailable_until_ms_.end()) {
    unavailable_until_ms_.erase(it);
  }
  isolated_count_.store(static_cast<int>(unavailable_until_ms_.size()), std::memory_order_relaxed);
}

bool MQFaultStrategy::available(std::string_view broker_name, std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  auto it = unavailable_until_ms_.find(broker_name);
  return it == unavailable_until_ms_.end() || it->second <= now_ms;
}

}  // namespace ringmq::client
