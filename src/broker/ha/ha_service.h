// HaService: a broker's replication role, the one object BrokerRuntime talks to
// (docs/ARCHITECTURE.md §10). A master (ASYNC_MASTER, SYNC_MASTER) listens on the HA port and
// streams its shards to slaves (HaMaster); a slave runs one HaSlave per shard, on the shard's core,
// following the master's HA address: haMasterAddress, else the haServerAddr the NameServer
// returns when the slave registers (RocketMQ BrokerController.handleRegisterBrokerResult).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "broker/broker_config.h"
#include "broker/ha/ha_master.h"  // also declares BrokerRuntime, CoreState, SendJob
#include "broker/ha/ha_slave.h"
#include "broker/ha/slave_synchronize.h"
#include "reactor/reactor.h"
#include "reactor/sockets.h"

namespace ringmq::broker::ha {

// The HA port a master listens on: haListenPort, else listenPort + 1 (RocketMQ's default), or a
// port the kernel picks when listenPort itself is 0 (tests).
std::uint16_t ha_listen_port_of(const BrokerConfig& config);

class HaService {
 public:
  explicit HaService(BrokerRuntime& rt);
  ~HaService();

  // Before the cores start: a master opens its HA listening socket (one, served by core 0).
  Status open(const std::string& host);
  // The port the HA socket got (0 for a slave).
  std::uint16_t port() const { return port_; }

  void start_core(reactor::Reactor& reactor, CoreState& cs);
  void stop_core(CoreState& cs);

  bool is_slave() const { return slave_role_; }
  // Core s, after any append to its shard.
  void on_appended(CoreState& cs) {
    if (master_) master_->on_appended(cs);
  }
  // Core s: SYNC_MASTER sends wait for a slave; true when `job` was taken (it will be answered).
  bool wait_replica(CoreState& cs, std::unique_ptr<SendJob>& job);
  // Core 0: a registration reply named the master (remoting address and HA address).
  void on_registered(const std::string& master_addr, const std::string& ha_server_addr);
  // Core 0: the master's remoting address as last learned ("" before that).
  const std::string& master_addr() const { return master_addr_; }

  HaMaster* master() { return master_.get(); }
  SlaveSynchronize* synchronize() { return sync_.get(); }
  // Core s only.
  HaSlave* slave(unsigned core) { return core < slaves_.size() ? slaves_[core].get() : nullptr; }

 private:
  BrokerRuntime& rt_;
  const bool slave_role_;
  const bool sync_master_;
  std::uint16_t port_ = 0;
  std::unique_ptr<reactor::ListenSockets> socket_;
  std::unique_ptr<HaMaster> master_;
  std::vector<std::unique_ptr<HaSlave>> slaves_;  // slaves_[s]: core s only
  std::unique_ptr<SlaveSynchronize> sync_;         // core 0 of a slave, between its start and stop hooks
  std::string master_addr_;                        // core 0
  std::string ha_master_;                          // core 0: the HA address handed to the cores
};

}  // namespace ringmq::broker::ha
