// `ringmq namesrv`: the NameServer on its own, one reactor core per --cores.
#include <memory>
#include <string>
#include <vector>

#include "base/log.h"
#include "cli/broker_flags.h"
#include "cli/commands.h"
#include "namesrv/namesrv_service.h"
#include "reactor/engine.h"
#include "reactor/sockets.h"
#include "rpc/remoting_server.h"

namespace ringmq::cli {
namespace {

struct NamesrvFlags {
  std::string listen = "0.0.0.0:9876";
  unsigned cores = 0;
  int broker_timeout_s = 120;
};

int run_namesrv(const NamesrvFlags& flags) {
  std::string host;
  std::uint16_t port = 0;
  if (auto parsed = parse_host_port(flags.listen, host, port); !parsed.ok()) {
    log_error("namesrv: --listen: {}", parsed.error().to_string());
    return 2;
  }
  if (flags.broker_timeout_s <= 0) {
    log_error("namesrv: --broker-timeout must be positive");
    return 2;
  }
  reactor::Engine engine(reactor::EngineOptions{.cores = flags.cores, .handle_signals = true});
  auto sockets = reactor::open_listen_sockets(host, port, engine.core_count());
  if (!sockets.ok()) {
    log_error("namesrv: cannot listen on {}: {}", flags.listen, sockets.error().to_string());
    return 1;
  }
  namesrv::NamesrvConfig config;
  config.broker_timeout_ms = static_cast<std::int64_t>(flags.broker_timeout_s) * 1000;
  namesrv::NamesrvService service(config, engine.core_count());
  std::vector<std::unique_ptr<rpc::RemotingServer>> servers(engine.core_count());

  auto started = engine.start(
      [&](reactor::Reactor& r) {
        auto& server = servers[r.core()] = std::make_unique<rpc::RemotingServer>(r);
        service.attach(r, *server);
        if (auto listening = server->listen(sockets->release(r.core())); !listening.ok()) {
          log_error("namesrv: listen failed on core {}: {}", r.core(), listening.error().to_string());
        }
      },
      [&](reactor::Reactor& r) {
        service.detach(r);
        servers[r.core()].reset();
      });
  if (!started.ok()) {
    log_error("namesrv: cannot start: {}", started.error().to_string());
    return 1;
  }
  log_info("namesrv: listening on {}:{} with {} cores, broker timeout {} s", host, sockets->port,
           engine.core_count(), flags.broker_timeout_s);
  engine.wait();
  log_info("namesrv: stopped");
  return 0;
}

}  // namespace

RunFn add_namesrv_command(CLI::App& app) {
  auto flags = std::make_shared<NamesrvFlags>();
  app.add_option("--listen", flags->listen, "address and port to serve on")->capture_default_str();
  app.add_option("--cores", flags->cores, "reactor threads, one per core (0 = from the machine: 1 on 1-2 CPUs, CPUs - 1 above)")->capture_default_str();
  app.add_option("--broker-timeout", flags->broker_timeout_s, "seconds of silence before a broker is dropped")
      ->capture_default_str();
  return [flags]() -> int { return run_namesrv(*flags); };
}

}  // namespace ringmq::cli
