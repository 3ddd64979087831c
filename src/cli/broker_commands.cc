// `ringmq broker` and `ringmq standalone`.
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker_controller.h"
#include "cli/broker_flags.h"
#include "cli/commands.h"
#include "namesrv/namesrv_service.h"
#include "reactor/reactor.h"
#include "rpc/remoting_server.h"

namespace ringmq::cli {

namespace {
// Consumer-side flags (issue 5) that BrokerFlags does not carry yet.
struct ConsumerFlags {
  std::string delay_levels;
};

void add_consumer_flags(CLI::App& app, ConsumerFlags& flags) {
  app.add_option("--delay-levels", flags.delay_levels,
                 "delay levels, e.g. \"1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h\" (messageDelayLevel)");
}

void apply_consumer_flags(const ConsumerFlags& flags, broker::BrokerConfig& config) {
  if (!flags.delay_levels.empty()) config.delay_levels = flags.delay_levels;
}
}  // namespace

RunFn add_broker_command(CLI::App& app) {
  auto flags = std::make_shared<BrokerFlags>();
  auto consumer = std::make_shared<ConsumerFlags>();
  add_broker_flags(app, *flags);
  add_consumer_flags(app, *consumer);
  return [flags, consumer]() -> int {
    auto config = resolve_broker_config(*flags);
    if (!config.ok()) {
      log_error("broker: {}", config.error().to_string());
      return 2;
    }
    apply_consumer_flags(*consumer, *config);
    return broker::run_broker(std::move(config).value());
  };
}

RunFn add_standalone_command(CLI::App& app) {
  auto flags = std::make_shared<BrokerFlags>();
  auto namesrv_listen = std::make_shared<std::string>("0.0.0.0:9876");
  app.add_option("--namesrv-listen", *namesrv_listen, "address and port of the embedded NameServer")
      ->capture_default_str();
  auto consumer = std::make_shared<ConsumerFlags>();
  add_broker_flags(app, *flags);
  add_consumer_flags(app, *consumer);
  return [flags, namesrv_listen, consumer]() -> int {
    auto config = resolve_broker_config(*flags);
    if (!config.ok()) {
      log_error("standalone: {}", config.error().to_string());
      return 2;
    }
    apply_consumer_flags(*consumer, *config);
    broker::StandaloneOptions standalone;
    standalone.enabled = true;
    if (auto st = parse_host_port(*namesrv_listen, standalone.namesrv_host, standalone.namesrv_port); !st.ok()) {
      log_error("standalone: --namesrv-listen: {}", st.error().to_string());
      return 2;
    }
    // The broker registers with its own embedded NameServer (and any others given).
    const std::string host = standalone.namesrv_host == "0.0.0.0" ? "127.0.0.1" : standalone.namesrv_host;
    config->namesrv_addrs.insert(config->namesrv_addrs.begin(), host + ":" + std::to_string(standalone.namesrv_port));
    // The embedded NameServer serves its port on every core (NamesrvService: core 0 owns the
    // tables, the other cores answer route queries from snapshots and forward the rest).
    auto service = std::make_shared<std::unique_ptr<namesrv::NamesrvService>>();
    standalone.namesrv_on_every_core = true;
    standalone.prepare = [service](unsigned cores) {
      *service = std::make_unique<namesrv::NamesrvService>(namesrv::NamesrvConfig{}, cores);
    };
    standalone.attach = [service](reactor::Reactor& r, rpc::RemotingServer& server) { (*service)->attach(r, server); };
    standalone.detach = [service](reactor::Reactor& r) { (*service)->detach(r); };
    return broker::run_broker(std::move(config).value(), std::move(standalone));
  };
}

}  // namespace ringmq::cli
