// `ringmq namesrv`: the NameServer on its own, one reactor core per --cores.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "base/log.h"
#include "cli/broker_flags.h"
#include "cli/commands.h"
#include "namesrv/namesrv_service.h"
#include "reactor/engine.h"
#include "reactor/sockets.h"
#include "rpc/http_server.h"
#include "rpc/remoting_server.h"

namespace ringmq::cli {
namespace {

struct NamesrvFlags {
  std::string listen = "0.0.0.0:9876";
  unsigned cores = 0;
  int broker_timeout_s = 120;
  std::string metrics_listen;    // GET /metrics, "host:port"; empty = off
  std::string address_endpoint;  // GET /rocketmq/nsaddr (an address server), "host:port"; empty = off
  std::string address_list;      // what the endpoint answers; empty = this NameServer's own address
};

// One HTTP listener on core 0 (metrics or the address endpoint).
struct HttpListener {
  std::unique_ptr<reactor::ListenSockets> socket;
  std::unique_ptr<rpc::HttpServer> server;
};

Result<HttpListener> open_http(const std::string& what, const std::string& listen, std::string path,
                               std::string content_type, rpc::HttpServer::Render render) {
  std::string host;
  std::uint16_t port = 0;
  if (auto parsed = parse_host_port(listen, host, port); !parsed.ok()) {
    return make_error(Errc::invalid_argument, fmt::format("{}: {}", what, parsed.error().detail));
  }
  RINGMQ_TRY_ASSIGN(reactor::ListenSockets sockets, reactor::open_listen_sockets(host, port, 1));
  HttpListener l;
  l.socket = std::make_unique<reactor::ListenSockets>(std::move(sockets));
  log_info("namesrv: GET {} on {}:{}", path, host, l.socket->port);
  l.server = std::make_unique<rpc::HttpServer>(std::move(path), std::move(content_type), std::move(render));
  return l;
}

// The address list the endpoint serves by default: this NameServer, reachable on loopback when
// it listens on every interface.
std::string own_address(const std::string& host, std::uint16_t port) {
  return fmt::format("{}:{}", host == "0.0.0.0" || host.empty() ? "127.0.0.1" : host, port);
}

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
  std::vector<HttpListener> http;  // served by core 0; outlive the engine's loops (declared after it)
  if (!flags.metrics_listen.empty()) {
    auto l = open_http("--metrics-listen", flags.metrics_listen, "/metrics", std::string(rpc::kPrometheusContentType),
                       [&service](rpc::HttpServer::Done done) { done(service.render_metrics()); });
    if (!l.ok()) {
      log_error("namesrv: {}", l.error().to_string());
      return 2;
    }
    http.push_back(std::move(l).value());
  }
  if (!flags.address_endpoint.empty()) {
    const std::string list = flags.address_list.empty() ? own_address(host, sockets->port) : flags.address_list;
    auto l = open_http("--address-endpoint", flags.address_endpoint, "/rocketmq/nsaddr", "text/plain",
                       [list](rpc::HttpServer::Done done) { done(list); });
    if (!l.ok()) {
      log_error("namesrv: {}", l.error().to_string());
      return 2;
    }
    http.push_back(std::move(l).value());
  }

  auto started = engine.start(
      [&](reactor::Reactor& r) {
        auto& server = servers[r.core()] = std::make_unique<rpc::RemotingServer>(r);
        service.attach(r, *server);
        if (auto listening = server->listen(sockets->release(r.core())); !listening.ok()) {
          log_error("namesrv: listen failed on core {}: {}", r.core(), listening.error().to_string());
        }
        if (r.core() != 0) return;
        for (auto& l : http) {
          if (auto st = l.server->listen(r, l.socket->release(0)); !st.ok()) {
            log_error("namesrv: http listen failed: {}", st.error().to_string());
          }
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
  app.add_option("--metrics-listen", flags->metrics_listen, "serve Prometheus GET /metrics on host:port (off by default)");
  app.add_option("--address-endpoint", flags->address_endpoint,
                 "serve an address server (GET /rocketmq/nsaddr, as TopAddressing asks) on host:port (off by default)");
  app.add_option("--address-list", flags->address_list,
                 "what --address-endpoint answers, 'host:port;host:port' (default: this NameServer's address)");
  return [flags]() -> int { return run_namesrv(*flags); };
}

}  // namespace ringmq::cli
