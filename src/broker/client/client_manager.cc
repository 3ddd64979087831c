#include "broker/client/client_manager.h"

#include <fmt/format.h>

#include <algorithm>

namespace ringmq::broker {

namespace {
bool same_subscription(const SubscriptionData& a, const SubscriptionData& b) {
  return a.sub_string == b.sub_string && a.expression_type == b.expression_type && a.sub_version == b.sub_version;
}

Status too_many_channels(std::string_view kind, std::string_view group, std::size_t have) {
  return make_error(Errc::too_large, fmt::format("{} group {} already has {} client channels, limit kGroupChannelsMax={}",
                                                 kind, group, have, kGroupChannelsMax));
}
}  // namespace

Status check_heartbeat_limits(const HeartbeatData& data) {
  if (data.consumers.size() > kHeartbeatConsumersMax) {
    return make_error(Errc::too_large, fmt::format("heartbeat carries {} consumers, limit kHeartbeatConsumersMax={}",
                                                   data.consumers.size(), kHeartbeatConsumersMax));
  }
  if (data.producer_groups.size() > kHeartbeatProducersMax) {
    return make_error(Errc::too_large, fmt::format("heartbeat carries {} producers, limit kHeartbeatProducersMax={}",
                                                   data.producer_groups.size(), kHeartbeatProducersMax));
  }
  for (const ConsumerData& c : data.consumers) {
    if (c.subscriptions.size() > kConsumerSubscriptionsMax) {
      return make_error(Errc::too_large,
                        fmt::format("consumer group {} carries {} subscriptions, limit kConsumerSubscriptionsMax={}",
                                    c.group_name, c.subscriptions.size(), kConsumerSubscriptionsMax));
    }
  }
  return {};
}

Status ClientManager::check_group_room(const HeartbeatData& data, const ChannelKey& channel) const {
  for (const ConsumerData& c : data.consumers) {
    const ConsumerGroupInfo* g = consumers.find(c.group_name);
    if (g != nullptr && g->channels.size() >= kGroupChannelsMax && g->channels.count(channel) == 0) {
      return too_many_channels("consumer", c.group_name, g->channels.size());
    }
  }
  for (const std::string& group : data.producer_groups) {
    const auto* channels = producers.find(group);
    if (channels != nullptr && channels->size() >= kGroupChannelsMax && channels->count(channel) == 0) {
      return too_many_channels("producer", group, channels->size());
    }
  }
  return {};
}

RegisterOutcome ConsumerManager::register_consumer(const ConsumerData& data, const ChannelKey& channel,
                                                   const ClientChannelInfo& info) {
  RegisterOutcome out;
  auto [it, created] = groups_.try_emplace(data.group_name);
  ConsumerGroupInfo& g = it->second;
  if (created || g.message_model != data.message_model) out.subscriptions_changed = true;
  g.consume_type = data.consume_type;
  g.message_model = data.message_model;
  g.consume_from_where = data.consume_from_where;
  auto [ch, added] = g.channels.insert_or_assign(channel, info);
  (void)ch;
  out.channels_changed = added;
  // updateSubscription: keep the newest subVersion per topic; drop topics no longer subscribed.
  std::map<std::string, SubscriptionData, std::less<>> next;
  for (const SubscriptionData& s : data.subscriptions) {
    auto old = g.subscriptions.find(s.topic);
    if (old != g.subscriptions.end() && old->second.sub_version > s.sub_version) {
      next.emplace(s.topic, old->second);
    } else {
      next.emplace(s.topic, s);
    }
  }
  if (next.size() != g.subscriptions.size()) out.subscriptions_changed = true;
  for (const auto& [topic, s] : next) {
    auto old = g.subscriptions.find(topic);
    if (old == g.subscriptions.end() || !same_subscription(old->second, s)) out.subscriptions_changed = true;
  }
  g.subscriptions = std::move(next);
  return out;
}

bool ConsumerManager::unregister_consumer(std::string_view group, const ChannelKey& channel) {
  auto it = groups_.find(group);
  if (it == groups_.end()) return false;
  const bool removed = it->second.channels.erase(channel) > 0;
  if (it->second.channels.empty()) groups_.erase(it);
  return removed;
}

std::vector<std::string> ConsumerManager::remove_channel(const ChannelKey& channel) {
  std::vector<std::string> left;
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (it->second.channels.erase(channel) > 0) left.push_back(it->first);
    it = it->second.channels.empty() ? groups_.erase(it) : std::next(it);
  }
  return left;
}

std::vector<ChannelKey> ConsumerManager::expire(std::int64_t now_ms, std::int64_t timeout_ms,
                                                std::vector<std::string>& left) {
  std::vector<ChannelKey> expired;
  for (auto it = groups_.begin(); it != groups_.end();) {
    auto& channels = it->second.channels;
    bool lost = false;
    for (auto ch = channels.begin(); ch != channels.end();) {
      if (now_ms - ch->second.last_update_ms > timeout_ms) {
        expired.push_back(ch->first);
        ch = channels.erase(ch);
        lost = true;
      } else {
        ++ch;
      }
    }
    if (lost) left.push_back(it->first);
    it = channels.empty() ? groups_.erase(it) : std::next(it);
  }
  return expired;
}

const ConsumerGroupInfo* ConsumerManager::find(std::string_view group) const {
  auto it = groups_.find(group);
  return it == groups_.end() ? nullptr : &it->second;
}

std::vector<std::string> ConsumerManager::consumer_ids(std::string_view group) const {
  std::vector<std::string> ids;
  if (const ConsumerGroupInfo* g = find(group)) {
    for (const auto& [key, info] : g->channels) ids.push_back(info.client_id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<std::string> ConsumerManager::groups_of_topic(std::string_view topic) const {
  std::vector<std::string> out;
  for (const auto& [name, g] : groups_) {
    if (g.subscriptions.find(topic) != g.subscriptions.end()) out.push_back(name);
  }
  return out;
}

std::map<std::string, ConsumerGroupView, std::less<>> ConsumerManager::views() const {
  std::map<std::string, ConsumerGroupView, std::less<>> out;
  for (const auto& [name, g] : groups_) {
    ConsumerGroupView v;
    v.message_model = g.message_model;
    v.subscriptions = g.subscriptions;
    out.emplace(name, std::move(v));
  }
  return out;
}

void ProducerManager::expire(std::int64_t now_ms, std::int64_t timeout_ms, std::vector<ChannelKey>& expired) {
  for (auto it = groups_.begin(); it != groups_.end();) {
    for (auto ch = it->second.begin(); ch != it->second.end();) {
      if (now_ms - ch->second.last_update_ms > timeout_ms) {
        expired.push_back(ch->first);
        ch = it->second.erase(ch);
      } else {
        ++ch;
      }
    }
    it = it->second.empty() ? groups_.erase(it) : std::next(it);
  }
}

std::optional<ChannelKey> ProducerManager::find_channel(std::string_view client_id) const {
  std::optional<ChannelKey> found;
  std::int64_t last_ms = 0;
  for (const auto& [group, channels] : groups_) {
    for (const auto& [key, info] : channels) {
      if (info.client_id != client_id || (found && info.last_update_ms < last_ms)) continue;
      found = key;
      last_ms = info.last_update_ms;
    }
  }
  return found;
}

}  // namespace ringmq::broker
