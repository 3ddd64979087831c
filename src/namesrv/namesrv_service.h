// NamesrvService: the NameServer on the reactor. Attaches NamesrvProcessor to one RemotingServer
// per core (the NameServer's listener) and spreads the work over the cores:
//
//   - Core 0 owns the NamesrvProcessor (routes, live brokers, KV config). Every request that
//     changes state (register, unregister, heartbeat, KV, permission and topic admin) and every
//     connection close is processed there; other cores forward them through the cross-core ring
//     and answer the client when core 0's response comes back.
//   - Route queries (the bulk of the traffic: clients refresh every topic's route every 30 s) are
//     answered on the core that received them, from an immutable RouteTables snapshot that core 0
//     publishes to every core after each change. A query on another core may therefore see a
//     change a few microseconds late, which clients already tolerate (RocketMQ NameServers are
//     not even consistent with each other).
//   - Core 0 scans for silent brokers every kScanNotActiveBrokerIntervalMs and closes the
//     connection of each broker it drops, on whichever core owns it.
//
// Lifetime: create it before Engine::start, call attach() in every core's start hook and detach()
// in every core's stop hook, destroy it after the engine has joined. Each CoreState is touched
// only by its own core; processor_ and the publication bookkeeping only by core 0.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "namesrv/namesrv_processor.h"
#include "reactor/reactor.h"
#include "rpc/remoting_server.h"

namespace ringmq::namesrv {

// How often core 0 retries publishing a snapshot to a core whose ring was full.
inline constexpr std::int64_t kRoutePublishRetryMs = 20;
// Forwarded requests a core may have waiting for core 0's answer before it answers SYSTEM_BUSY.
inline constexpr std::size_t kForwardedRequestsMax = 4096;

class NamesrvService {
 public:
  NamesrvService(NamesrvConfig config, unsigned core_count);
  NamesrvService(const NamesrvService&) = delete;
  NamesrvService& operator=(const NamesrvService&) = delete;

  // On `reactor`'s core: registers the NameServer handlers on `server` (that core's server for
  // the NameServer listener) and, on core 0, starts the expiry scan.
  void attach(reactor::Reactor& reactor, rpc::RemotingServer& server);
  // On `reactor`'s core, before its server is destroyed: drops what attach() set up.
  void detach(reactor::Reactor& reactor);
  // On core 0: the NameServer's Prometheus families (text format 0.0.4): brokers and topics
  // registered, route lookups answered per core.
  std::string render_metrics() const;

 private:
  struct CoreState {
    rpc::RemotingServer* server = nullptr;
    std::shared_ptr<const RouteTables> routes;  // the latest snapshot core 0 sent here
    // Connections of this core by their NameServer-wide id (see make_connection_id).
    std::unordered_map<ConnectionId, reactor::ConnectionId> connections;
    // Requests forwarded to core 0, waiting for the answer, by sequence number.
    std::unordered_map<std::uint64_t, rpc::ReplyContext> forwarded;
    std::uint64_t next_forward_seq = 1;
  };
  struct Forwarded;

  static ConnectionId make_connection_id(unsigned core, reactor::ConnectionId id);
  static unsigned core_of(ConnectionId id);

  void handle(reactor::Reactor& reactor, remoting::RemotingCommand request, rpc::ReplyContext reply);
  void forward_to_owner(reactor::Reactor& reactor, remoting::RemotingCommand request, rpc::ReplyContext reply);
  // On core 0: processes a state-changing request and republishes routes if they changed.
  remoting::RemotingCommand process_on_owner(reactor::Reactor& owner, const remoting::RemotingCommand& request,
                                             ConnectionId connection);
  void on_connection_closed_on_owner(reactor::Reactor& owner, ConnectionId connection);
  void scan_not_active_brokers(reactor::Reactor& owner);
  void close_connections(reactor::Reactor& owner, const std::vector<RemovedBroker>& removed);
  void publish_routes(reactor::Reactor& owner);

  const unsigned core_count_;
  std::vector<CoreState> cores_;
  // Core 0 only.
  NamesrvProcessor processor_;
  std::vector<std::uint64_t> published_version_;  // per core: the route_version it last received
  std::optional<reactor::TimerId> scan_timer_;
  // Route queries answered, per core: each core adds to its own, core 0 reads them for metrics.
  std::unique_ptr<std::atomic<std::uint64_t>[]> route_lookups_;
  bool publish_retry_armed_ = false;
};

}  // namespace ringmq::namesrv
