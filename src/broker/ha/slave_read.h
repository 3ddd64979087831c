// Which broker a pull reply suggests for the queue's next pull (suggestWhichBrokerId), as
// RocketMQ 4.9.4's PullMessageProcessor decides it (docs/PROTOCOL.md §12.4):
//   slaveReadEnable off: the master (0);
//   on: the group's whichBrokerWhenConsumeSlowly when the pull was "lagging" — the log's end is
//   more than accessMessageInMemoryMaxRatio percent of physical memory past the last message
//   examined (DefaultMessageStore's isSuggestPullingFromSlave: the data is likely out of the page
//   cache) — else the group's brokerId. A group without a config takes RocketMQ's defaults (0, 1).
#pragma once

#include <cstdint>
#include <optional>

#include "broker/broker_config.h"
#include "protocol/subscription_group_config.h"
#include "store/shard_store.h"

namespace ringmq::broker::ha {

// The two brokers a group's pulls may be pointed at (brokerId, whichBrokerWhenConsumeSlowly). The
// receiving core takes them from the group's config once; the pull carries them to the queue's core.
struct GroupReadTargets {
  std::int64_t broker_id = 0;
  std::int64_t slow_broker_id = 0;
  // `group` may be null (no config yet): RocketMQ's defaults.
  static GroupReadTargets of(const protocol::SubscriptionGroupConfig* group);
};

// The suggestion for a pull that returned `result` from a log ending at `log_end`. `ram_bytes`:
// physical memory (physical_memory_bytes() in the broker; a parameter for tests).
std::int64_t suggest_broker_id(const BrokerConfig& config, const GroupReadTargets& group,
                               const store::GetResult& result, std::int64_t log_end, std::int64_t ram_bytes);
std::int64_t physical_memory_bytes();

}  // namespace ringmq::broker::ha
