// `ringmq broker` and `ringmq standalone`.
#include <memory>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker_controller.h"
#include "broker/frame_server.h"
#include "cli/broker_flags.h"
#include "cli/commands.h"
#include "namesrv/namesrv_processor.h"
#include "reactor/reactor.h"

namespace ringmq::cli {
namespace {

// The NameServer embedded in `ringmq standalone`: NamesrvProcessor behind the broker's frame layer
// on a second listener served by core 0 only, so the processor needs no locks.
class EmbeddedNamesrv final : public broker::RequestSink {
 public:
  void attach(reactor::Reactor& reactor) {
    reactor_ = &reactor;
    (void)reactor.add_periodic_timer(namesrv::kScanNotActiveBrokerIntervalMs, [this] { scan(); });
  }

  void on_request(reactor::Connection& conn, broker::ConnectionState&, remoting::RemotingCommand&& request) override {
    const auto ref = broker::RequestRef::of(request);
    remoting::RemotingCommand response;
    if (namesrv::NamesrvProcessor::handles(request.code)) {
      response = processor_.process(request, conn.id().value, wall_clock_ms());
    } else {
      response = broker::make_response(ref, 3, " request type " + std::to_string(request.code) + " not supported");
    }
    if (!ref.oneway) broker::send_frame(*reactor_, conn.id(), broker::encode_response_frame(response));
  }

  void on_connection_closed(reactor::Connection& conn) override {
    for (const auto& b : processor_.on_connection_closed(conn.id().value, wall_clock_ms())) {
      log_info("namesrv: broker {} ({}) left", b.broker_name, b.broker_addr);
    }
  }

 private:
  void scan() {
    for (const auto& b : processor_.scan_not_active_brokers(wall_clock_ms())) {
      log_warn("namesrv: broker {} ({}) expired", b.broker_name, b.broker_addr);
      if (auto* conn = reactor_->find(reactor::ConnectionId{b.connection})) {
        conn->close(make_error(Errc::timeout, "broker expired"));
      }
    }
  }

  namesrv::NamesrvProcessor processor_;
  reactor::Reactor* reactor_ = nullptr;
};

}  // namespace

RunFn add_broker_command(CLI::App& app) {
  auto flags = std::make_shared<BrokerFlags>();
  add_broker_flags(app, *flags);
  return [flags]() -> int {
    auto config = resolve_broker_config(*flags);
    if (!config.ok()) {
      log_error("broker: {}", config.error().to_string());
      return 2;
    }
    return broker::run_broker(std::move(config).value());
  };
}

RunFn add_standalone_command(CLI::App& app) {
  auto flags = std::make_shared<BrokerFlags>();
  auto namesrv_listen = std::make_shared<std::string>("0.0.0.0:9876");
  app.add_option("--namesrv-listen", *namesrv_listen, "address and port of the embedded NameServer")
      ->capture_default_str();
  add_broker_flags(app, *flags);
  return [flags, namesrv_listen]() -> int {
    auto config = resolve_broker_config(*flags);
    if (!config.ok()) {
      log_error("standalone: {}", config.error().to_string());
      return 2;
    }
    broker::StandaloneOptions standalone;
    standalone.enabled = true;
    if (auto st = parse_host_port(*namesrv_listen, standalone.namesrv_host, standalone.namesrv_port); !st.ok()) {
      log_error("standalone: --namesrv-listen: {}", st.error().to_string());
      return 2;
    }
    // The broker registers with its own embedded NameServer (and any others given).
    const std::string host = standalone.namesrv_host == "0.0.0.0" ? "127.0.0.1" : standalone.namesrv_host;
    config->namesrv_addrs.insert(config->namesrv_addrs.begin(), host + ":" + std::to_string(standalone.namesrv_port));
    auto embedded = std::make_shared<EmbeddedNamesrv>();
    standalone.attach = [embedded](reactor::Reactor& r) -> broker::RequestSink* {
      embedded->attach(r);
      return embedded.get();
    };
    return broker::run_broker(std::move(config).value(), std::move(standalone));
  };
}

}  // namespace ringmq::cli
