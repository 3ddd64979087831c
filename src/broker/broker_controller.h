// BrokerController: the running broker (RocketMQ B/BrokerController.java). Starts the Engine with
// one core per store shard; each core owns its ShardStore (CommitLog + the ConsumeQueues of the
// queues shard_of_queue() gives it), an rpc::RemotingServer on the shared SO_REUSEPORT port, and
// copies of the published snapshots. Core 0 also owns the topic, group, offset and client tables
// and the NameServer registrar. A request is decoded on the core owning its connection; work on a
// queue owned by another core crosses over as a job through the reactor's SPSC rings and the reply
// comes back the same way (no socket ever changes core).
//
// Lifetime: built and run from the main thread: start() -> wait_for_stop() (SIGINT/SIGTERM: the
// broker unregisters from its NameServers, then the cores stop) -> shutdown() (closes the shards
// cleanly). Without signals: start() -> request_stop() (any thread) -> shutdown().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "broker/broker_config.h"
#include "reactor/reactor.h"
#include "rpc/remoting_server.h"

namespace ringmq::broker {

// A second listener, the embedded NameServer of `ringmq standalone` (the broker module cannot
// depend on namesrv; the CLI plugs it in here). The broker opens the port and gives each serving
// core a RemotingServer for it; `attach` registers the NameServer's handlers on it before it
// listens, `detach` runs on the same core in its stop hook, before that server is destroyed.
struct StandaloneOptions {
  bool enabled = false;
  std::string namesrv_host = "0.0.0.0";
  std::uint16_t namesrv_port = 9876;
  // Serve the NameServer port on every core (a NameServer safe on all cores) or on core 0 only.
  bool namesrv_on_every_core = false;
  // Called once the core count is known (it comes from the store), before the cores start.
  std::function<void(unsigned core_count)> prepare;
  std::function<void(reactor::Reactor&, rpc::RemotingServer&)> attach;
  std::function<void(reactor::Reactor&)> detach;
};

class BrokerRuntime;  // broker_runtime.h: everything the cores share

class BrokerController {
 public:
  explicit BrokerController(BrokerConfig config, StandaloneOptions standalone = {});
  ~BrokerController();

  // Opens the store, loads topics, starts the cores and the NameServer registrar.
  Status start();
  // Blocks until SIGINT/SIGTERM, then stops the cores.
  void wait_for_stop();
  // Any thread, after start(): stops the broker as a signal would, without one (embedders, test
  // seams); follow with shutdown(), which waits for the cores.
  void request_stop();
  // Unregisters from the NameServers and closes the store cleanly. Call after wait_for_stop().
  Status shutdown();

  std::uint16_t listen_port() const;
  // Any thread, after start(): register with these NameServers from now on (the broker's
  // fetchNamesrvAddrByAddressServer; the CLI polls the address server).
  void update_namesrv_addrs(std::vector<std::string> addrs);

 private:
  std::unique_ptr<BrokerRuntime> runtime_;
};

// Runs a broker until a signal, start to clean stop; the exit code for `ringmq broker`.
int run_broker(BrokerConfig config, StandaloneOptions standalone = {});

}  // namespace ringmq::broker
