// RouteInfoManager: the NameServer's whole state (docs/PROTOCOL.md §3.1) and the rules that
// change it (§3.3-§3.5, §3.9), after RocketMQ 4.9's N/routeinfo/RouteInfoManager.java.
//
// Ownership and threading: one instance, owned by one core (core 0 of the namesrv reactor), never
// locked. Every write (register, unregister, heartbeat, expiry, connection close, admin) runs
// there. The route-visible part lives in RouteTables, a plain value: other cores serve lookups
// from an immutable copy that core 0 publishes after each change (snapshot() + route_version()),
// so reads never touch this object from another thread.
//
// Time is passed in (now_ms, wall clock) so tests drive expiry without sleeping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/string_hash.h"
#include "protocol/register_broker_body.h"
#include "protocol/route_data.h"
#include "protocol/topic_config.h"

namespace ringmq::namesrv {

// The NameServer works in RocketMQ's types, defined once in protocol/.
using protocol::BrokerData;
using protocol::DataVersion;
using protocol::kMasterId;
using protocol::QueueData;
using protocol::RegisterBrokerBody;
using protocol::TopicConfig;
namespace perm = protocol::perm;

// The connection a broker registered over, as the rpc layer numbers connections. 0 = none (e.g. a
// test or an in-process broker), which no close ever matches.
using ConnectionId = std::uint64_t;
inline constexpr ConnectionId kNoConnection = 0;

// A broker silent for this long is dropped (RocketMQ's BROKER_CHANNEL_EXPIRED_TIME; --broker-timeout).
inline constexpr std::int64_t kBrokerTimeoutMsDefault = 120'000;
// How often the owner should call scan_not_active_brokers (RocketMQ 5.x scanNotActiveBrokerInterval).
inline constexpr std::int64_t kScanNotActiveBrokerIntervalMs = 5'000;

// topic -> one QueueData per broker group serving it, kept sorted by brokerName.
using TopicQueueTable = std::unordered_map<std::string, std::vector<QueueData>, StringHash, std::equal_to<>>;
// brokerName -> BrokerData. Ordered: the cluster-info body lists broker groups in a stable order.
using BrokerAddrTable = std::map<std::string, BrokerData, std::less<>>;
// clusterName -> brokerNames.
using ClusterAddrTable = std::map<std::string, std::set<std::string, std::less<>>, std::less<>>;

// The tables route lookups read. Copyable on purpose: a copy is the snapshot other cores read.
struct RouteTables {
  TopicQueueTable topic_queue_table;
  BrokerAddrTable broker_addr_table;
  ClusterAddrTable cluster_addr_table;

  const std::vector<QueueData>* find_topic(std::string_view topic) const;
  const BrokerData* find_broker(std::string_view broker_name) const;
  // Topic lists are sorted so replies are deterministic.
  std::vector<std::string> all_topics() const;
  std::vector<std::string> topics_by_cluster(std::string_view cluster) const;
  // Cluster names and broker names (GET_SYSTEM_TOPIC_LIST_FROM_NS), plus one registered broker
  // address in *broker_addr (empty when none).
  std::vector<std::string> system_topics(std::string* broker_addr) const;
  // Topics whose first QueueData's topicSysFlag satisfies `pick` (the unit-topic lists).
  std::vector<std::string> topics_by_sys_flag(const std::function<bool(std::int32_t)>& pick) const;
};

// What the NameServer remembers of a live broker, keyed by its address.
struct BrokerLiveInfo {
  std::string cluster_name;
  std::string broker_name;
  std::int64_t broker_id = 0;
  std::int64_t last_update_ms = 0;
  std::int64_t timeout_ms = kBrokerTimeoutMsDefault;
  DataVersion data_version;
  ConnectionId connection = kNoConnection;
  std::string ha_server_addr;
};

// The REGISTER_BROKER request header fields that matter to the state.
struct BrokerRegistration {
  std::string cluster_name;
  std::string broker_addr;
  std::string broker_name;
  std::int64_t broker_id = 0;
  std::string ha_server_addr;
  std::optional<std::int64_t> heartbeat_timeout_ms;  // 5.x per-broker timeout
};

// Told to a slave: where its master is. Both empty for a master or when no master is live.
struct RegisterBrokerResult {
  std::string master_addr;
  std::string ha_server_addr;
};

// A broker dropped by expiry or a closed connection; the caller logs it and, for expiry, closes
// `connection` as RocketMQ does.
struct RemovedBroker {
  std::string cluster_name;
  std::string broker_name;
  std::string broker_addr;
  std::int64_t broker_id = 0;
  ConnectionId connection = kNoConnection;
  std::int64_t silent_ms = 0;
};

class RouteInfoManager {
 public:
  explicit RouteInfoManager(std::int64_t broker_timeout_ms = kBrokerTimeoutMsDefault);

  RegisterBrokerResult register_broker(const BrokerRegistration& reg, const RegisterBrokerBody& body,
                                       ConnectionId connection, std::int64_t now_ms);
  // UNREGISTER_BROKER. Returns whether the broker was live.
  bool unregister_broker(std::string_view cluster_name, std::string_view broker_addr,
                         std::string_view broker_name, std::int64_t broker_id);

  // QUERY_DATA_VERSION support: true when the broker is unknown or its stored version differs.
  bool is_broker_topic_config_changed(std::string_view broker_addr, const DataVersion& version) const;
  const DataVersion* query_broker_topic_config(std::string_view broker_addr) const;
  // Marks a broker alive (heartbeat). Returns false for an unknown broker.
  bool update_broker_info_update_timestamp(std::string_view broker_addr, std::int64_t now_ms);

  // Drops every broker silent longer than its timeout (last_update + timeout < now), with its
  // queues once its group is empty. Call every kScanNotActiveBrokerIntervalMs.
  std::vector<RemovedBroker> scan_not_active_brokers(std::int64_t now_ms);
  // Drops the brokers that registered over `connection` and only those.
  std::vector<RemovedBroker> on_connection_closed(ConnectionId connection, std::int64_t now_ms = 0);

  void delete_topic(std::string_view topic);
  void delete_topic(std::string_view topic, std::string_view cluster_name);
  // WIPE/ADD_WRITE_PERM_OF_BROKER; return how many topics were touched.
  int wipe_write_perm_of_broker(std::string_view broker_name);
  int add_write_perm_of_broker(std::string_view broker_name);

  const RouteTables& tables() const { return tables_; }
  // An immutable copy of the route tables for lock-free reads on other cores.
  std::shared_ptr<const RouteTables> snapshot() const { return std::make_shared<const RouteTables>(tables_); }
  // Bumped whenever tables() changes, so the owner republishes a snapshot only when needed.
  std::uint64_t route_version() const { return route_version_; }

  const BrokerLiveInfo* live_info(std::string_view broker_addr) const;
  std::size_t live_broker_count() const { return broker_live_table_.size(); }
  std::int64_t broker_timeout_ms() const { return broker_timeout_ms_; }

 private:
  using BrokerLiveTable = std::unordered_map<std::string, BrokerLiveInfo, StringHash, std::equal_to<>>;

  bool create_and_update_queue_data(std::string_view broker_name, const TopicConfig& config);
  // Records the broker as alive now; returns whether it was not live before.
  bool refresh_live_info(const BrokerRegistration& reg, const DataVersion& version, ConnectionId connection,
                         std::int64_t now_ms);
  // What a slave of `broker_data` is told: its master's address and HA address, if the master lives.
  RegisterBrokerResult live_master_of(const BrokerData& broker_data) const;
  // Removes `broker_addr` from its group; when the group empties, drops it from its cluster and
  // its QueueData from every topic. Returns the number of QueueData removed.
  std::size_t remove_broker_addr(std::string_view broker_addr);
  std::size_t remove_broker_group(std::string_view broker_name);
  std::size_t remove_topics_of_broker(std::string_view broker_name);
  RemovedBroker drop_live_broker(BrokerLiveTable::iterator it, std::int64_t now_ms);
  int operate_write_perm(std::string_view broker_name, bool add);

  std::int64_t broker_timeout_ms_;
  RouteTables tables_;
  BrokerLiveTable broker_live_table_;
  std::uint64_t route_version_ = 0;
};

}  // namespace ringmq::namesrv
