// The broker's subscriptionGroup.json (docs/STORE-FORMAT.md §10.5): a SubscriptionGroupWrapper,
// {"dataVersion":{..},"subscriptionGroupTable":{group:SubscriptionGroupConfig}}, as 4.9.4 writes it.
// The same text is the body of GET_ALL_SUBSCRIPTIONGROUP_CONFIG, which a slave reads. Plain
// functions over values: any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"
#include "protocol/subscription_group_config.h"
#include "protocol/topic_config.h"

namespace ringmq::broker {

inline constexpr std::string_view kSubscriptionGroupsFile = "subscriptionGroup.json";

using protocol::SubscriptionGroupConfig;

struct SubscriptionGroupTable {
  protocol::DataVersion data_version;
  std::map<std::string, SubscriptionGroupConfig> groups;
};

std::string encode_subscription_groups(const SubscriptionGroupTable& t);
// Reads fastjson's and standard JSON; unknown fields are ignored.
Result<SubscriptionGroupTable> decode_subscription_groups(std::string_view json);

}  // namespace ringmq::broker
