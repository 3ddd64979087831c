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

#include "protocol/heartbeat_data.h"
#include "protocol/subscription_group_config.h"

namespace ringmq::broker {

using protocol::SubscriptionGroupConfig;

// The HEART_BEAT types and FilterAPI's parser, defined once in protocol/heartbeat_data.h.
using protocol::build_subscription;
using protocol::ConsumerData;
using protocol::ConsumeFromWhere;
using protocol::ConsumeType;
using protocol::HeartbeatData;
using protocol::MessageModel;
using protocol::SubscriptionData;

struct ConsumerGroupView {
  MessageModel message_model = MessageModel::clustering;
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
