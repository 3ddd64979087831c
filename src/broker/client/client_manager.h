// The broker's client tables (RocketMQ B/client/ConsumerManager.java, ProducerManager.java):
// which client channels belong to which consumer and producer groups, with the consumer groups'
// subscriptions as their heartbeats last described them.
//
// Owner: core 0 makes every call; client connections live on any core, so a channel is named by
// (core, connection id). Heartbeats and connection closes on other cores are forwarded to core 0.
// The tables are small (clients x groups) and change at heartbeat pace (30 s per client), which is
// why one core owns them and the cores read a published ConsumerSnapshot instead of asking.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "broker/broker_limits.h"
#include "broker/client/consumer_snapshot.h"
#include "reactor/connection.h"

namespace ringmq::broker {

// too_large naming the limit when the heartbeat carries more consumers, producers or
// subscriptions than the limits above. Needs no table, so the receiving core checks it.
Status check_heartbeat_limits(const HeartbeatData& data);

struct ChannelKey {
  unsigned core = 0;
  std::uint64_t connection = 0;
  friend auto operator<=>(const ChannelKey&, const ChannelKey&) = default;
};

struct ClientChannelInfo {
  std::string client_id;
  std::string client_addr;  // "ip:port" of the connection
  std::string language = "JAVA";
  std::int32_t version = 0;
  std::int64_t last_update_ms = 0;
};

struct ConsumerGroupInfo {
  ConsumeType consume_type = ConsumeType::passively;
  MessageModel message_model = MessageModel::clustering;
  ConsumeFromWhere consume_from_where = ConsumeFromWhere::last_offset;
  std::map<std::string, SubscriptionData, std::less<>> subscriptions;
  std::map<ChannelKey, ClientChannelInfo> channels;
};

// What registering a consumer changed.
struct RegisterOutcome {
  bool channels_changed = false;       // NOTIFY_CONSUMER_IDS_CHANGED to the group
  bool subscriptions_changed = false;  // republish the ConsumerSnapshot
};

class ConsumerManager {
 public:
  RegisterOutcome register_consumer(const ConsumerData& data, const ChannelKey& channel, const ClientChannelInfo& info);
  // Removes the channel from `group`; true if it was there.
  bool unregister_consumer(std::string_view group, const ChannelKey& channel);
  // Drops the channel from every group; returns the groups it left.
  std::vector<std::string> remove_channel(const ChannelKey& channel);
  // Channels silent for longer than `timeout_ms`, removed; `left` gets the groups they left.
  std::vector<ChannelKey> expire(std::int64_t now_ms, std::int64_t timeout_ms, std::vector<std::string>& left);

  const ConsumerGroupInfo* find(std::string_view group) const;
  // Client ids of the group's live channels (GET_CONSUMER_LIST_BY_GROUP).
  std::vector<std::string> consumer_ids(std::string_view group) const;
  // Groups with a subscription to `topic` (QUERY_TOPIC_CONSUME_BY_WHO).
  std::vector<std::string> groups_of_topic(std::string_view topic) const;
  // The groups' message models and subscriptions, for the ConsumerSnapshot.
  std::map<std::string, ConsumerGroupView, std::less<>> views() const;

 private:
  std::map<std::string, ConsumerGroupInfo, std::less<>> groups_;
};

class ProducerManager {
 public:
  void register_producer(const std::string& group, const ChannelKey& channel, const ClientChannelInfo& info) {
    groups_[group][channel] = info;
  }
  void unregister_producer(std::string_view group, const ChannelKey& channel) {
    auto it = groups_.find(group);
    if (it == groups_.end()) return;
    it->second.erase(channel);
    if (it->second.empty()) groups_.erase(it);
  }
  void remove_channel(const ChannelKey& channel) {
    for (auto it = groups_.begin(); it != groups_.end();) {
      it->second.erase(channel);
      it = it->second.empty() ? groups_.erase(it) : std::next(it);
    }
  }
  void expire(std::int64_t now_ms, std::int64_t timeout_ms, std::vector<ChannelKey>& expired);
  const std::map<ChannelKey, ClientChannelInfo>* find(std::string_view group) const {
    auto it = groups_.find(group);
    return it == groups_.end() ? nullptr : &it->second;
  }
  // ProducerManager.findChannel: the channel of the client with this id, in any group (the one
  // heard from last when it has several), for PUSH_REPLY_MESSAGE_TO_CLIENT.
  std::optional<ChannelKey> find_channel(std::string_view client_id) const;

 private:
  std::map<std::string, std::map<ChannelKey, ClientChannelInfo>, std::less<>> groups_;
};

}  // namespace ringmq::broker

namespace ringmq::broker {

// Both client tables, owned by core 0 (BrokerRuntime::client_manager()).
struct ClientManager {
  ConsumerManager consumers;
  ProducerManager producers;

  // too_large when registering `data` from `channel` would put a group past kGroupChannelsMax;
  // checked before anything is registered so a refused heartbeat changes nothing.
  Status check_group_room(const HeartbeatData& data, const ChannelKey& channel) const;
};

}  // namespace ringmq::broker
