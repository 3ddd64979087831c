#include "broker/ha/slave_read.h"

#include <unistd.h>

namespace ringmq::broker::ha {

GroupReadTargets GroupReadTargets::of(const protocol::SubscriptionGroupConfig* group) {
  const protocol::SubscriptionGroupConfig defaults;
  const protocol::SubscriptionGroupConfig& g = group != nullptr ? *group : defaults;
  return GroupReadTargets{g.broker_id, g.which_broker_when_consume_slowly};
}

std::int64_t suggest_broker_id(const BrokerConfig& config, const GroupReadTargets& group,
                               const store::GetResult& result, std::int64_t log_end, std::int64_t ram_bytes) {
  if (!config.slave_read_enable) return 0;
  // RocketMQ compares with the last entry examined; a pull that found nothing examined the end.
  const std::int64_t pulled = result.messages.empty() ? log_end : result.messages.back().offset.value;
  const auto memory = static_cast<std::int64_t>(static_cast<double>(ram_bytes) *
                                                (config.access_message_in_memory_max_ratio / 100.0));
  return log_end - pulled > memory ? group.slow_broker_id : group.broker_id;
}

std::int64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<std::int64_t>(pages) * page : 0;
}

}  // namespace ringmq::broker::ha
