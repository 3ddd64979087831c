// NamesrvProcessor: maps a NameServer request to its response (docs/PROTOCOL.md §3), after
// RocketMQ 4.9's DefaultRequestProcessor, with 5.x's BROKER_HEARTBEAT. No sockets here.
//
// How the rpc layer uses it (all on the core that owns the processor, core 0):
//   - for every request whose code satisfies handles(code): reply = process(request, conn, now_ms);
//     send `reply` unless the request is oneway (a broker sends some REGISTER_BROKERs oneway; the
//     state change still happens).
//   - when a connection closes: on_connection_closed(conn) drops the brokers registered over it.
//   - every kScanNotActiveBrokerIntervalMs: for each broker scan_not_active_brokers(now) returns,
//     close its connection (RocketMQ closes the channel of an expired broker).
// Bad input (missing or unparsable header fields, a body that does not decode, a CRC mismatch)
// yields SYSTEM_ERROR with a remark naming the problem, as Java does; nothing here asserts on input.
//
// Read-only requests (routes, cluster info, topic lists) are also served by process_route_query
// against any RouteTables, so other cores can answer them from a published snapshot.
#pragma once

#include <cstdint>
#include <vector>

#include "namesrv/kv_config_manager.h"
#include "namesrv/route_info_manager.h"
#include "remoting/command.h"

namespace ringmq::namesrv {

struct NamesrvConfig {
  std::int64_t broker_timeout_ms = kBrokerTimeoutMsDefault;  // --broker-timeout
  // Route replies quote the ORDER_TOPIC_CONFIG kv value as orderTopicConf (namesrv orderMessageEnable).
  bool order_message_enable = false;
  bool enable_all_topic_list = true;
  // Register replies carry the ORDER_TOPIC_CONFIG kv table (returnOrderTopicConfigToBroker).
  bool return_order_topic_config_to_broker = true;
};

class NamesrvProcessor {
 public:
  explicit NamesrvProcessor(NamesrvConfig config = {});

  // Whether `code` is a NameServer request this processor answers.
  static bool handles(std::int32_t code);
  // Every code handles() accepts, for registering handlers.
  static const std::vector<std::int32_t>& handled_codes();
  // Whether `code` only reads route tables (servable by process_route_query on any core).
  static bool is_route_query(std::int32_t code);

  remoting::RemotingCommand process(const remoting::RemotingCommand& request, ConnectionId connection,
                                    std::int64_t now_ms);

  // Answers a route query (is_route_query(code)) from `tables`, e.g. a snapshot on another core.
  // `kv` may be null; it is consulted only when order_message_enable is set.
  static remoting::RemotingCommand process_route_query(const remoting::RemotingCommand& request,
                                                       const RouteTables& tables, const NamesrvConfig& config,
                                                       const KvConfigManager* kv);

  std::vector<RemovedBroker> on_connection_closed(ConnectionId connection, std::int64_t now_ms);
  std::vector<RemovedBroker> scan_not_active_brokers(std::int64_t now_ms);

  RouteInfoManager& route_info_manager() { return route_info_manager_; }
  const RouteInfoManager& route_info_manager() const { return route_info_manager_; }
  KvConfigManager& kv_config_manager() { return kv_config_manager_; }
  const NamesrvConfig& config() const { return config_; }

 private:
  using Command = remoting::RemotingCommand;

  Result<Command> dispatch(const Command& request, ConnectionId connection, std::int64_t now_ms);
  Result<Command> register_broker(const Command& request, ConnectionId connection, std::int64_t now_ms);
  Result<Command> unregister_broker(const Command& request);
  Result<Command> query_data_version(const Command& request, std::int64_t now_ms);
  Result<Command> broker_heartbeat(const Command& request, std::int64_t now_ms);
  Result<Command> delete_topic_in_namesrv(const Command& request);
  Result<Command> operate_write_perm(const Command& request, bool add);
  Result<Command> put_kv_config(const Command& request);
  Result<Command> get_kv_config(const Command& request);
  Result<Command> delete_kv_config(const Command& request);
  Result<Command> get_kvlist_by_namespace(const Command& request);

  NamesrvConfig config_;
  RouteInfoManager route_info_manager_;
  KvConfigManager kv_config_manager_;
};

}  // namespace ringmq::namesrv
