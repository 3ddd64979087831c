// `ringmq broker` and `ringmq standalone`.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker_controller.h"
#include "broker/schedule/delay_levels.h"
#include "cli/broker_flags.h"
#include "cli/namesrv_address_poller.h"
#include "client/top_addressing.h"
#include "cli/commands.h"
#include "namesrv/namesrv_service.h"
#include "reactor/reactor.h"
#include "rpc/remoting_server.h"

namespace ringmq::cli {
namespace {

// rocketmq-exporter's port, so existing Prometheus scrape configs find a standalone.
constexpr std::string_view kStandaloneMetricsListen = "0.0.0.0:5557";
// resolve_broker_config() and the checks that need the broker library (cli_lib does not link
// it): messageDelayLevel must parse.
Result<broker::BrokerConfig> resolve_and_check(BrokerFlags& flags) {
  RINGMQ_TRY_ASSIGN(broker::BrokerConfig config, resolve_broker_config(flags));
  if (auto levels = broker::DelayLevels::parse(config.delay_levels); !levels.ok())
    return make_error(Errc::invalid_argument, fmt::format("messageDelayLevel (--delay-levels) = '{}': {}",
                                                          config.delay_levels, levels.error().detail));
  return config;
}

}  // namespace

// run_broker, with the address server polled while the broker runs (fetchNamesrvAddrByAddressServer).
int run_broker_with_address_server(broker::BrokerConfig config) {
  const std::string url = client::ws_addr(config.address_server_domain, config.address_server_subgroup);
  const std::int64_t interval_ms = config.address_server_interval_ms;
  broker::BrokerController controller(std::move(config));
  if (auto st = controller.start(); !st.ok()) {
    log_error("broker failed to start: {}", st.error().to_string());
    (void)controller.shutdown();
    return 1;
  }
  NamesrvAddressPoller poller(url, interval_ms,
                              [&controller](std::vector<std::string> addrs) { controller.update_namesrv_addrs(std::move(addrs)); });
  poller.start();
  controller.wait_for_stop();
  poller.stop();
  if (auto st = controller.shutdown(); !st.ok()) {
    log_error("broker stop: {}", st.error().to_string());
    return 1;
  }
  return 0;
}

RunFn add_broker_command(CLI::App& app) {
  auto flags = std::make_shared<BrokerFlags>();
  add_broker_flags(app, *flags);
  return [flags]() -> int {
    auto config = resolve_and_check(*flags);
    if (!config.ok()) {
      log_error("broker: {}", config.error().to_string());
      return 2;
    }
    // As BrokerController: a configured namesrvAddr (flag, broker.conf, $NAMESRV_ADDR) wins.
    if (config->namesrv_addrs.empty() && config->fetch_namesrv_addr_by_address_server) {
      return run_broker_with_address_server(std::move(config).value());
    }
    return broker::run_broker(std::move(config).value());
  };
}

RunFn add_standalone_command(CLI::App& app) {
  auto flags = std::make_shared<BrokerFlags>();
  auto namesrv_listen = std::make_shared<std::string>("0.0.0.0:9876");
  app.add_option("--namesrv-listen", *namesrv_listen, "address and port of the embedded NameServer")
      ->capture_default_str();
  flags->config.metrics_listen = std::string(kStandaloneMetricsListen);  // on by default here, off in `broker`
  add_broker_flags(app, *flags);
  return [flags, namesrv_listen]() -> int {
    auto config = resolve_and_check(*flags);
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
