// SubscriptionGroupConfig (RocketMQ common/subscription/SubscriptionGroupConfig.java) with its JSON
// both ways: the body of UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (the admin tool writes it, the broker
// reads it) and one entry of the broker's subscriptionGroup.json (broker/subscription/). The writer
// uses fastjson's key order (alphabetical bean properties).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmq {
class JsonWriter;
}

namespace ringmq::protocol {

// Defaults are Java's (fastjson fills missing keys with them).
struct SubscriptionGroupConfig {
  std::string group_name;
  bool consume_enable = true;
  bool consume_from_min_enable = true;
  bool consume_broadcast_enable = true;
  std::int32_t retry_queue_nums = 1;
  std::int32_t retry_max_times = 16;
  std::int64_t broker_id = 0;
  std::int64_t which_broker_when_consume_slowly = 1;
  bool notify_consumer_ids_changed_enable = true;

  friend bool operator==(const SubscriptionGroupConfig&, const SubscriptionGroupConfig&) = default;
};

void write_subscription_group(JsonWriter& w, const SubscriptionGroupConfig& g);
std::string encode_subscription_group(const SubscriptionGroupConfig& g);
// One config object; groupName is required (the broker files the group under it).
Result<SubscriptionGroupConfig> decode_subscription_group(std::string_view json);

}  // namespace ringmq::protocol
