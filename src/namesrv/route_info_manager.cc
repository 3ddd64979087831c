#include "namesrv/route_info_manager.h"

#include <algorithm>

#include "base/log.h"

namespace ringmq::namesrv {

// ---- RouteTables: read-only queries ----

const std::vector<QueueData>* RouteTables::find_topic(std::string_view topic) const {
  const auto it = topic_queue_table.find(topic);
  return it == topic_queue_table.end() ? nullptr : &it->second;
}

const BrokerData* RouteTables::find_broker(std::string_view broker_name) const {
  const auto it = broker_addr_table.find(broker_name);
  return it == broker_addr_table.end() ? nullptr : &it->second;
}

std::vector<std::string> RouteTables::all_topics() const {
  std::vector<std::string> topics;
  topics.reserve(topic_queue_table.size());
  for (const auto& [topic, queue_datas] : topic_queue_table) topics.push_back(topic);
  std::sort(topics.begin(), topics.end());
  return topics;
}

std::vector<std::string> RouteTables::topics_by_cluster(std::string_view cluster) const {
  std::vector<std::string> topics;
  const auto cluster_it = cluster_addr_table.find(cluster);
  if (cluster_it == cluster_addr_table.end()) return topics;
  for (const auto& [topic, queue_datas] : topic_queue_table) {
    const bool served = std::any_of(queue_datas.begin(), queue_datas.end(), [&](const QueueData& qd) {
      return cluster_it->second.contains(qd.broker_name);
    });
    if (served) topics.push_back(topic);
  }
  std::sort(topics.begin(), topics.end());
  return topics;
}

std::vector<std::string> RouteTables::system_topics(std::string* broker_addr) const {
  std::set<std::string> names;
  for (const auto& [cluster, broker_names] : cluster_addr_table) {
    names.insert(cluster);
    names.insert(broker_names.begin(), broker_names.end());
  }
  if (broker_addr != nullptr) {
    broker_addr->clear();
    for (const auto& [name, data] : broker_addr_table) {
      if (!data.broker_addrs.empty()) {
        *broker_addr = data.broker_addrs.begin()->second;
        break;
      }
    }
  }
  return {names.begin(), names.end()};
}

std::vector<std::string> RouteTables::topics_by_sys_flag(const std::function<bool(std::int32_t)>& pick) const {
  std::vector<std::string> topics;
  for (const auto& [topic, queue_datas] : topic_queue_table) {
    // Java looks at one QueueData only: a topic's flag is the same on every broker.
    if (!queue_datas.empty() && pick(queue_datas.front().topic_sys_flag)) topics.push_back(topic);
  }
  std::sort(topics.begin(), topics.end());
  return topics;
}

// ---- RouteInfoManager ----

RouteInfoManager::RouteInfoManager(std::int64_t broker_timeout_ms) : broker_timeout_ms_(broker_timeout_ms) {}

RegisterBrokerResult RouteInfoManager::register_broker(const BrokerRegistration& reg,
                                                       const RegisterBrokerBody& body,
                                                       ConnectionId connection, std::int64_t now_ms) {
  bool changed = tables_.cluster_addr_table[reg.cluster_name].insert(reg.broker_name).second;

  auto [data_it, first_of_group] = tables_.broker_addr_table.try_emplace(reg.broker_name);
  BrokerData& broker_data = data_it->second;
  if (first_of_group) {
    broker_data.cluster = reg.cluster_name;
    broker_data.broker_name = reg.broker_name;
  }
  // A role switch (slave promoted to master, or the reverse) re-registers the same address under
  // another id: one address must appear once in a group.
  changed |= std::erase_if(broker_data.broker_addrs, [&](const auto& entry) {
               return entry.second == reg.broker_addr && entry.first != reg.broker_id;
             }) > 0;
  auto [addr_it, new_id] = broker_data.broker_addrs.try_emplace(reg.broker_id, reg.broker_addr);
  if (!new_id && addr_it->second != reg.broker_addr) {
    log_info("namesrv: broker {} id {} moved from {} to {}", reg.broker_name, reg.broker_id,
             addr_it->second, reg.broker_addr);
    addr_it->second = reg.broker_addr;
    changed = true;
  }
  const bool register_first = first_of_group || new_id;
  changed |= register_first;

  // Only a master's topic configs make routes (a slave serves the master's queues). Skipped when
  // the DataVersion is unchanged: a periodic re-register carries nothing new.
  std::size_t topics_updated = 0;
  if (reg.broker_id == kMasterId &&
      (register_first || is_broker_topic_config_changed(reg.broker_addr, body.data_version))) {
    for (const TopicConfig& config : body.topic_configs) {
      if (create_and_update_queue_data(reg.broker_name, config)) ++topics_updated;
    }
  }
  if (topics_updated > 0) changed = true;

  const bool new_live = refresh_live_info(reg, body.data_version, connection, now_ms);
  if (new_live) {
    log_info("namesrv: broker registered: cluster={} broker={} id={} addr={} ha={} topics={} dataVersion={}",
             reg.cluster_name, reg.broker_name, reg.broker_id, reg.broker_addr, reg.ha_server_addr,
             body.topic_configs.size(), body.data_version.counter);
  } else if (topics_updated > 0) {
    log_info("namesrv: broker {} ({}) updated {} topic routes, dataVersion={}", reg.broker_name,
             reg.broker_addr, topics_updated, body.data_version.counter);
  }
  if (changed) ++route_version_;

  return reg.broker_id == kMasterId ? RegisterBrokerResult{} : live_master_of(broker_data);
}

bool RouteInfoManager::refresh_live_info(const BrokerRegistration& reg, const DataVersion& version,
                                         ConnectionId connection, std::int64_t now_ms) {
  auto [it, inserted] = broker_live_table_.try_emplace(reg.broker_addr);
  BrokerLiveInfo& live = it->second;
  live.cluster_name = reg.cluster_name;
  live.broker_name = reg.broker_name;
  live.broker_id = reg.broker_id;
  live.last_update_ms = now_ms;
  live.timeout_ms = reg.heartbeat_timeout_ms.value_or(broker_timeout_ms_);
  live.data_version = version;
  live.connection = connection;
  live.ha_server_addr = reg.ha_server_addr;
  return inserted;
}

RegisterBrokerResult RouteInfoManager::live_master_of(const BrokerData& broker_data) const {
  const auto master = broker_data.broker_addrs.find(kMasterId);
  if (master == broker_data.broker_addrs.end()) return {};
  const BrokerLiveInfo* master_live = live_info(master->second);
  if (master_live == nullptr) return {};
  return {master->second, master_live->ha_server_addr};
}

bool RouteInfoManager::create_and_update_queue_data(std::string_view broker_name, const TopicConfig& config) {
  QueueData qd{std::string(broker_name), config.read_queue_nums, config.write_queue_nums, config.perm,
               config.topic_sys_flag};
  std::vector<QueueData>& queue_datas = tables_.topic_queue_table[config.topic_name];
  const auto it = std::lower_bound(queue_datas.begin(), queue_datas.end(), broker_name,
                                   [](const QueueData& a, std::string_view name) { return a.broker_name < name; });
  if (it != queue_datas.end() && it->broker_name == broker_name) {
    if (*it == qd) return false;
    *it = std::move(qd);
    return true;
  }
  queue_datas.insert(it, std::move(qd));
  return true;
}

bool RouteInfoManager::unregister_broker(std::string_view cluster_name, std::string_view broker_addr,
                                         std::string_view broker_name, std::int64_t broker_id) {
  const auto live_it = broker_live_table_.find(broker_addr);
  const bool was_live = live_it != broker_live_table_.end();
  if (was_live) broker_live_table_.erase(live_it);
  // Java removes the entry by id alone; checking the address too keeps a stale unregister from
  // removing a broker that has since taken over the id at another address.
  const BrokerData* data = tables_.find_broker(broker_name);
  const bool id_matches = data != nullptr && data->broker_addrs.contains(broker_id) &&
                          data->broker_addrs.at(broker_id) == broker_addr;
  std::size_t topics_removed = 0;
  if (id_matches) topics_removed = remove_broker_addr(broker_addr);
  log_info("namesrv: broker unregistered: cluster={} broker={} id={} addr={} (was live: {}, topics dropped: {})",
           cluster_name, broker_name, broker_id, broker_addr, was_live, topics_removed);
  return was_live;
}

std::size_t RouteInfoManager::remove_broker_addr(std::string_view broker_addr) {
  // Every group is searched, as Java's onChannelDestroy does: a misconfigured broker may have moved
  // its address to another brokerName. There are few groups, so the scan is cheap.
  std::size_t topics_removed = 0;
  for (auto it = tables_.broker_addr_table.begin(); it != tables_.broker_addr_table.end();) {
    if (std::erase_if(it->second.broker_addrs, [&](const auto& e) { return e.second == broker_addr; }) == 0) {
      ++it;
      continue;
    }
    ++route_version_;
    if (!it->second.broker_addrs.empty()) {
      ++it;
      continue;
    }
    const std::string broker_name = it->first;  // the group is empty: it leaves its cluster and topics
    it = tables_.broker_addr_table.erase(it);
    topics_removed += remove_broker_group(broker_name);
  }
  return topics_removed;
}

std::size_t RouteInfoManager::remove_broker_group(std::string_view broker_name) {
  for (auto it = tables_.cluster_addr_table.begin(); it != tables_.cluster_addr_table.end();) {
    auto& names = it->second;
    if (const auto name_it = names.find(broker_name); name_it != names.end()) names.erase(name_it);
    it = names.empty() ? tables_.cluster_addr_table.erase(it) : std::next(it);
  }
  return remove_topics_of_broker(broker_name);
}

std::size_t RouteInfoManager::remove_topics_of_broker(std::string_view broker_name) {
  std::size_t touched = 0;
  for (auto it = tables_.topic_queue_table.begin(); it != tables_.topic_queue_table.end();) {
    touched += std::erase_if(it->second, [&](const QueueData& qd) { return qd.broker_name == broker_name; });
    it = it->second.empty() ? tables_.topic_queue_table.erase(it) : std::next(it);
  }
  return touched;
}

bool RouteInfoManager::is_broker_topic_config_changed(std::string_view broker_addr,
                                                      const DataVersion& version) const {
  const DataVersion* prev = query_broker_topic_config(broker_addr);
  return prev == nullptr || !(*prev == version);
}

const DataVersion* RouteInfoManager::query_broker_topic_config(std::string_view broker_addr) const {
  const BrokerLiveInfo* live = live_info(broker_addr);
  return live == nullptr ? nullptr : &live->data_version;
}

bool RouteInfoManager::update_broker_info_update_timestamp(std::string_view broker_addr, std::int64_t now_ms) {
  const auto it = broker_live_table_.find(broker_addr);
  if (it == broker_live_table_.end()) return false;
  it->second.last_update_ms = now_ms;
  return true;
}

const BrokerLiveInfo* RouteInfoManager::live_info(std::string_view broker_addr) const {
  const auto it = broker_live_table_.find(broker_addr);
  return it == broker_live_table_.end() ? nullptr : &it->second;
}

RemovedBroker RouteInfoManager::drop_live_broker(BrokerLiveTable::iterator it, std::int64_t now_ms) {
  RemovedBroker removed{it->second.cluster_name, it->second.broker_name, it->first, it->second.broker_id,
                        it->second.connection, now_ms - it->second.last_update_ms};
  broker_live_table_.erase(it);
  const std::size_t topics = remove_broker_addr(removed.broker_addr);
  if (topics > 0) {
    log_info("namesrv: broker group {} is gone; dropped its queues from {} topics", removed.broker_name, topics);
  }
  return removed;
}

std::vector<RemovedBroker> RouteInfoManager::scan_not_active_brokers(std::int64_t now_ms) {
  std::vector<RemovedBroker> removed;
  for (auto it = broker_live_table_.begin(); it != broker_live_table_.end();) {
    const BrokerLiveInfo& live = it->second;
    // timeout_ms is the broker's heartbeatTimeoutMillis (any positive int64 from the wire):
    // last_update_ms + timeout_ms could overflow, the elapsed time cannot.
    if (now_ms - live.last_update_ms <= live.timeout_ms) {
      ++it;
      continue;
    }
    const auto next = std::next(it);
    log_warn("namesrv: broker expired: cluster={} broker={} id={} addr={} silent for {} ms (timeout {} ms)",
             live.cluster_name, live.broker_name, live.broker_id, it->first, now_ms - live.last_update_ms,
             live.timeout_ms);
    removed.push_back(drop_live_broker(it, now_ms));
    it = next;
  }
  return removed;
}

std::vector<RemovedBroker> RouteInfoManager::on_connection_closed(ConnectionId connection, std::int64_t now_ms) {
  std::vector<RemovedBroker> removed;
  if (connection == kNoConnection) return removed;
  for (auto it = broker_live_table_.begin(); it != broker_live_table_.end();) {
    if (it->second.connection != connection) {
      ++it;
      continue;
    }
    const auto next = std::next(it);
    log_info("namesrv: broker connection closed: cluster={} broker={} id={} addr={}; unregistered",
             it->second.cluster_name, it->second.broker_name, it->second.broker_id, it->first);
    removed.push_back(drop_live_broker(it, now_ms));
    it = next;
  }
  return removed;
}

void RouteInfoManager::delete_topic(std::string_view topic) {
  const auto it = tables_.topic_queue_table.find(topic);
  if (it == tables_.topic_queue_table.end()) return;
  tables_.topic_queue_table.erase(it);
  ++route_version_;
}

void RouteInfoManager::delete_topic(std::string_view topic, std::string_view cluster_name) {
  const auto cluster_it = tables_.cluster_addr_table.find(cluster_name);
  const auto topic_it = tables_.topic_queue_table.find(topic);
  if (cluster_it == tables_.cluster_addr_table.end() || topic_it == tables_.topic_queue_table.end()) return;
  const std::size_t erased = std::erase_if(
      topic_it->second, [&](const QueueData& qd) { return cluster_it->second.contains(qd.broker_name); });
  if (topic_it->second.empty()) tables_.topic_queue_table.erase(topic_it);
  if (erased > 0) ++route_version_;
}

int RouteInfoManager::wipe_write_perm_of_broker(std::string_view broker_name) {
  return operate_write_perm(broker_name, false);
}

int RouteInfoManager::add_write_perm_of_broker(std::string_view broker_name) {
  return operate_write_perm(broker_name, true);
}

int RouteInfoManager::operate_write_perm(std::string_view broker_name, bool add) {
  int touched = 0;
  for (auto& [topic, queue_datas] : tables_.topic_queue_table) {
    for (QueueData& qd : queue_datas) {
      if (qd.broker_name != broker_name) continue;
      // As Java: adding restores plain read+write, wiping clears only the write bit.
      qd.perm = add ? perm::kReadWrite : (qd.perm & ~perm::kWrite);
      ++touched;
    }
  }
  if (touched > 0) ++route_version_;
  return touched;
}

}  // namespace ringmq::namesrv
