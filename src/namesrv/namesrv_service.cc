#include "namesrv/namesrv_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "base/clock.h"
#include "base/log.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::namesrv {

namespace response_code = remoting::response_code;
using remoting::RemotingCommand;

namespace {
constexpr unsigned kOwnerCore = 0;
// A NameServer-wide connection id: core + 1 in the top byte (so no id is kNoConnection), the
// core-local id below it.
constexpr unsigned kCoreShift = 56;
constexpr std::uint64_t kLocalIdMask = (std::uint64_t{1} << kCoreShift) - 1;
constexpr std::int64_t kScanIntervalMinMs = 100;
}  // namespace

// A request on its way to core 0 and its answer on the way back. Heap-allocated: a forwarded
// request is a state change (rare next to route queries), and the ring's tasks hold 48 bytes.
struct NamesrvService::Forwarded {
  RemotingCommand request;
  RemotingCommand response;
  ConnectionId connection = kNoConnection;
  unsigned origin_core = 0;
  std::uint64_t seq = 0;
};

NamesrvService::NamesrvService(NamesrvConfig config, unsigned core_count)
    : core_count_(core_count),
      cores_(core_count),
      processor_(config),
      published_version_(core_count, 0),
      route_lookups_(std::make_unique<std::atomic<std::uint64_t>[]>(core_count)) {
  // Every core starts from the (empty) tables, so a query before the first publish is answered.
  auto initial = processor_.route_info_manager().snapshot();
  for (auto& core : cores_) core.routes = initial;
}

std::string NamesrvService::render_metrics() const {
  const auto tables = processor_.route_info_manager().snapshot();
  std::size_t brokers = 0;
  for (const auto& [name, data] : tables->broker_addr_table) brokers += data.broker_addrs.size();
  std::string out;
  out += "# HELP ringmq_namesrv_brokers Broker addresses registered (masters and slaves).\n"
         "# TYPE ringmq_namesrv_brokers gauge\n";
  out += fmt::format("ringmq_namesrv_brokers {}\n", brokers);
  out += "# HELP ringmq_namesrv_topics Topics with a route.\n# TYPE ringmq_namesrv_topics gauge\n";
  out += fmt::format("ringmq_namesrv_topics {}\n", tables->topic_queue_table.size());
  out += "# HELP ringmq_namesrv_route_lookups_total Route queries answered, per core.\n"
         "# TYPE ringmq_namesrv_route_lookups_total counter\n";
  for (unsigned core = 0; core < core_count_; ++core) {
    out += fmt::format("ringmq_namesrv_route_lookups_total{{core=\"{}\"}} {}\n", core,
                       route_lookups_[core].load(std::memory_order_relaxed));
  }
  return out;
}

ConnectionId NamesrvService::make_connection_id(unsigned core, reactor::ConnectionId id) {
  return (static_cast<std::uint64_t>(core + 1) << kCoreShift) | (id.value & kLocalIdMask);
}

unsigned NamesrvService::core_of(ConnectionId id) { return static_cast<unsigned>(id >> kCoreShift) - 1; }

void NamesrvService::attach(reactor::Reactor& reactor, rpc::RemotingServer& server) {
  const unsigned core = reactor.core();
  CoreState& state = cores_[core];
  state.server = &server;
  for (std::int32_t code : NamesrvProcessor::handled_codes()) {
    server.register_handler(code, [this, &reactor](RemotingCommand request, rpc::ReplyContext reply) {
      handle(reactor, std::move(request), std::move(reply));
    });
  }
  server.set_connection_listeners(
      [this, core](reactor::ConnectionId id, const std::string&) {
        cores_[core].connections.emplace(make_connection_id(core, id), id);
      },
      [this, core, &reactor](reactor::ConnectionId id, const std::string&) {
        const ConnectionId connection = make_connection_id(core, id);
        cores_[core].connections.erase(connection);
        if (core == kOwnerCore) {
          on_connection_closed_on_owner(reactor, connection);
          return;
        }
        // Only core 0 knows whether a broker registered over this connection.
        auto posted = reactor.post(kOwnerCore, [this, connection] {
          on_connection_closed_on_owner(*reactor::Reactor::current(), connection);
        });
        if (!posted.ok()) log_warn("namesrv: connection close not forwarded to core 0: {}", posted.error().to_string());
      });
  if (core == kOwnerCore) {
    // Scan at least four times per timeout, so a short --broker-timeout (tests) is honoured
    // closely; RocketMQ's 5 s otherwise.
    const std::int64_t interval_ms = std::clamp<std::int64_t>(processor_.config().broker_timeout_ms / 4,
                                                              kScanIntervalMinMs, kScanNotActiveBrokerIntervalMs);
    auto timer = reactor.add_periodic_timer(interval_ms, [this, &reactor] { scan_not_active_brokers(reactor); });
    if (timer.ok()) scan_timer_ = *timer;
    else log_error("namesrv: cannot start the broker expiry scan: {}", timer.error().to_string());
  }
}

void NamesrvService::detach(reactor::Reactor& reactor) {
  CoreState& state = cores_[reactor.core()];
  state.forwarded.clear();  // ReplyContexts die on their own core
  state.connections.clear();
  state.server = nullptr;
  if (reactor.core() == kOwnerCore && scan_timer_) {
    reactor.cancel_timer(*scan_timer_);
    scan_timer_.reset();
  }
}

void NamesrvService::handle(reactor::Reactor& reactor, RemotingCommand request, rpc::ReplyContext reply) {
  const unsigned core = reactor.core();
  if (NamesrvProcessor::is_route_query(request.code)) {
    route_lookups_[core].fetch_add(1, std::memory_order_relaxed);
    // Route queries read this core's snapshot; core 0 reads the live tables (same content).
    RemotingCommand response =
        core == kOwnerCore ? processor_.process(request, kNoConnection, wall_clock_ms())
                           : NamesrvProcessor::process_route_query(request, *cores_[core].routes,
                                                                   processor_.config(), nullptr);
    (void)reply.reply(std::move(response));
    return;
  }
  if (core == kOwnerCore) {
    RemotingCommand response = process_on_owner(reactor, request, make_connection_id(core, reply.connection()));
    (void)reply.reply(std::move(response));
    return;
  }
  forward_to_owner(reactor, std::move(request), std::move(reply));
}

void NamesrvService::forward_to_owner(reactor::Reactor& reactor, RemotingCommand request, rpc::ReplyContext reply) {
  const unsigned core = reactor.core();
  CoreState& state = cores_[core];
  if (state.forwarded.size() >= kForwardedRequestsMax) {
    (void)reply.reply(response_code::kSystemBusy, std::string("[OVERLOAD]namesrv core 0 is busy, try again"));
    return;
  }
  auto work = std::make_unique<Forwarded>();
  work->request = std::move(request);
  work->connection = make_connection_id(core, reply.connection());
  work->origin_core = core;
  work->seq = state.next_forward_seq++;
  const std::uint64_t seq = work->seq;
  Forwarded* raw = work.release();
  // The task takes ownership only when it runs; a refused post leaves `raw` with us.
  auto posted = reactor.post(kOwnerCore, [this, raw] {
    std::unique_ptr<Forwarded> owned(raw);
    reactor::Reactor& owner = *reactor::Reactor::current();
    owned->response = process_on_owner(owner, owned->request, owned->connection);
    const unsigned origin = owned->origin_core;
    Forwarded* back = owned.release();
    auto returned = owner.post(origin, [this, back] {
      std::unique_ptr<Forwarded> answer(back);
      CoreState& origin_state = cores_[answer->origin_core];
      auto it = origin_state.forwarded.find(answer->seq);
      if (it == origin_state.forwarded.end()) return;  // detached meanwhile
      (void)it->second.reply(std::move(answer->response));
      origin_state.forwarded.erase(it);
    });
    if (!returned.ok()) {
      // The state change happened; only the answer is lost, and the client will time out and
      // retry (register and heartbeat are idempotent).
      log_warn("namesrv: answer to core {} dropped: {}", back->origin_core, returned.error().to_string());
      delete back;
    }
  });
  if (!posted.ok()) {
    delete raw;
    (void)reply.reply(response_code::kSystemBusy, std::string("[OVERLOAD]namesrv core 0 queue is full"));
    return;
  }
  state.forwarded.emplace(seq, std::move(reply));
}

RemotingCommand NamesrvService::process_on_owner(reactor::Reactor& owner, const RemotingCommand& request,
                                                 ConnectionId connection) {
  RemotingCommand response = processor_.process(request, connection, wall_clock_ms());
  publish_routes(owner);
  return response;
}

void NamesrvService::on_connection_closed_on_owner(reactor::Reactor& owner, ConnectionId connection) {
  auto removed = processor_.on_connection_closed(connection, wall_clock_ms());
  if (!removed.empty()) publish_routes(owner);
}

void NamesrvService::scan_not_active_brokers(reactor::Reactor& owner) {
  auto removed = processor_.scan_not_active_brokers(wall_clock_ms());
  if (removed.empty()) return;
  close_connections(owner, removed);
  publish_routes(owner);
}

void NamesrvService::close_connections(reactor::Reactor& owner, const std::vector<RemovedBroker>& removed) {
  for (const RemovedBroker& broker : removed) {
    if (broker.connection == kNoConnection) continue;
    const ConnectionId connection = broker.connection;
    auto close_here = [this, connection] {
      reactor::Reactor& r = *reactor::Reactor::current();
      CoreState& state = cores_[r.core()];
      auto it = state.connections.find(connection);
      if (it != state.connections.end() && state.server != nullptr) {
        state.server->close(it->second, make_error(Errc::timeout, "broker expired"));
      }
    };
    const unsigned core = core_of(connection);
    if (core == owner.core()) {
      close_here();
    } else if (auto posted = owner.post(core, close_here); !posted.ok()) {
      log_warn("namesrv: could not close the expired broker's connection: {}", posted.error().to_string());
    }
  }
}

void NamesrvService::publish_routes(reactor::Reactor& owner) {
  const std::uint64_t version = processor_.route_info_manager().route_version();
  std::shared_ptr<const RouteTables> snapshot;
  bool retry = false;
  for (unsigned core = 0; core < core_count_; ++core) {
    if (core == kOwnerCore || published_version_[core] == version) continue;
    if (!snapshot) snapshot = processor_.route_info_manager().snapshot();
    auto posted = owner.post(core, [this, core, snapshot] { cores_[core].routes = snapshot; });
    if (posted.ok()) {
      published_version_[core] = version;
    } else {
      retry = true;
    }
  }
  if (retry && !publish_retry_armed_) {
    publish_retry_armed_ = true;
    auto timer = owner.add_timer(kRoutePublishRetryMs, [this, &owner] {
      publish_retry_armed_ = false;
      publish_routes(owner);
    });
    if (!timer.ok()) publish_retry_armed_ = false;
  }
}

}  // namespace ringmq::namesrv
