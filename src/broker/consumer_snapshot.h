// What every core needs to know about consumer groups to serve pulls and send-backs without
// asking core 0: the subscription group configs and the subscriptions registered by heartbeats.
// Core 0 (which owns SubscriptionGroupManager and ConsumerManager) builds a new immutable snapshot
// when either changes and posts it to every core; readers never lock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/metadata.h"

namespace ringmq::broker {

using store::SubscriptionGroupConfig;

// SubscriptionData (§6.1): a topic's tag expression, parsed as FilterAPI does.
struct SubscriptionData {
  std::string topic;
  std::string sub_string = "*";
  std::string expression_type = "TAG";
  std::vector<std::string> tags;
  std::vector<std::int32_t> codes;  // Java hashCode of each tag
  std::int64_t sub_version = 0;
  bool class_filter_mode = false;

  bool all() const { return sub_string.empty() || sub_string == "*"; }
};

struct ConsumerGroupView {
  std::string message_model = "CLUSTERING";
  std::map<std::string, SubscriptionData, std::less<>> subscriptions;  // by topic
};

struct ConsumerSnapshot {
  std::map<std::string, SubscriptionGroupConfig, std::less<>> group_configs;
  std::map<std::string, ConsumerGroupView, std::less<>> groups;  // groups with live consumers

  const SubscriptionGroupConfig* find_config(std::string_view group) const {
    auto it = group_configs.find(group);
    return it == group_configs.end() ? nullptr : &it->second;
  }
  const ConsumerGroupView* find_group(std::string_view group) const {
    auto it = groups.find(group);
    return it == groups.end() ? nullptr : &it->second;
  }
};
using ConsumerSnapshotPtr = std::shared_ptr<const ConsumerSnapshot>;

}  // namespace ringmq::broker
