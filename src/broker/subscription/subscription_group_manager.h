// SubscriptionGroupManager: the broker's consumer group configs (RocketMQ
// B/subscription/SubscriptionGroupManager.java), persisted in <store>/config/subscriptionGroup.json.
// Creates the system groups at load as 4.9.4 does and auto-creates a group on its first heartbeat,
// pull or send-back (autoCreateSubscriptionGroup). Any client can name a new group, so auto-creation
// stops at kSubscriptionGroupsMax groups; requests naming another new group are then refused with
// SUBSCRIPTION_GROUP_NOT_EXIST and limit_remark().
//
// Owner: core 0. Every change bumps the data version, is saved through the MetadataWriter and is
// published to the cores inside the ConsumerSnapshot.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "broker/broker_limits.h"
#include "broker/client/consumer_snapshot.h"
#include "broker/metadata_writer.h"
#include "broker/subscription/subscription_group_table.h"

namespace ringmq::broker {


class SubscriptionGroupManager {
 public:
  SubscriptionGroupManager(std::string path, bool auto_create, MetadataWriter& writer)
      : path_(std::move(path)), auto_create_(auto_create), writer_(writer) {}

  Status load();
  const SubscriptionGroupTable& table() const { return table_; }
  const SubscriptionGroupConfig* find(std::string_view group) const;
  // The group's config, created with defaults if auto-creation is on and the table holds fewer than
  // kSubscriptionGroupsMax groups; nullptr otherwise. `changed` is set when it was created.
  const SubscriptionGroupConfig* find_or_create(std::string_view group, bool& changed);
  void update(const SubscriptionGroupConfig& config);
  bool remove(std::string_view group);
  // True when find_or_create would refuse `group` for the limit alone.
  bool at_limit(std::string_view group) const;
  // The remark refusing a new group past kSubscriptionGroupsMax.
  static std::string limit_remark(std::string_view group);

  // The table as GET_ALL_SUBSCRIPTIONGROUP_CONFIG returns it (SubscriptionGroupWrapper).
  std::string encode() const { return encode_subscription_groups(table_); }

 private:
  void commit();

  const std::string path_;
  const bool auto_create_;
  MetadataWriter& writer_;
  SubscriptionGroupTable table_;
};

}  // namespace ringmq::broker
