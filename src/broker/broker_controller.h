// BrokerController: the running broker (RocketMQ B/BrokerController.java). Starts the Engine with
// one core per store shard; each core owns its ShardStore (CommitLog + the ConsumeQueues of the
// queues shard_of_queue() gives it), a FrameServer on the shared SO_REUSEPORT port, and a copy of
// the topic snapshot. Core 0 also owns the TopicConfigManager and, in standalone mode, the embedded
// NameServer. A request is decoded on the core owning its connection; work on a queue owned by
// another core crosses over as a heap job through the reactor's SPSC rings and the encoded reply
// comes back the same way (no socket ever changes core).
//
// Lifetime: built and run from the main thread: start() -> wait_for_stop() (SIGINT/SIGTERM) ->
// shutdown() (unregisters from the NameServers, closes the shards cleanly).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "broker/broker_config.h"
#include "broker/frame_server.h"

namespace ringmq::broker {

// A second listener served on core 0 only, e.g. the embedded NameServer of `ringmq standalone`
// (the broker module cannot depend on namesrv; the CLI plugs it in here).
struct StandaloneOptions {
  bool enabled = false;
  std::string namesrv_host = "0.0.0.0";
  std::uint16_t namesrv_port = 9876;
  // Called on core 0 before it starts listening: the sink for the extra listener's requests. It
  // must stay valid until `detach` runs (on core 0, when the core stops).
  std::function<RequestSink*(reactor::Reactor&)> attach;
  std::function<void()> detach;
};

class BrokerRuntime;  // broker_runtime.h: everything the cores share

class BrokerController {
 public:
  explicit BrokerController(BrokerConfig config, StandaloneOptions standalone = {});
  ~BrokerController();

  // Opens the store, loads topics, starts the cores and the NameServer registrar.
  Status start();
  // Blocks until SIGINT/SIGTERM (or stop()), then stops the cores.
  void wait_for_stop();
  // Unregisters from the NameServers and closes the store cleanly. Call after wait_for_stop().
  Status shutdown();

  std::uint16_t listen_port() const;

 private:
  std::unique_ptr<BrokerRuntime> runtime_;
};

// Runs a broker until a signal, start to clean stop; the exit code for `ringmq broker`.
int run_broker(BrokerConfig config, StandaloneOptions standalone = {});

}  // namespace ringmq::broker
