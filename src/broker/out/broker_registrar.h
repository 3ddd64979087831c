// BrokerRegistrar: keeps the broker registered with every NameServer (docs/PROTOCOL.md §3.3):
// REGISTER_BROKER at start, every register period and right after a topic change;
// UNREGISTER_BROKER on a clean stop, before the cores stop.
//
// Runs on core 0 over an rpc::RemotingClient (one long-lived connection per NameServer, which the
// NameServer uses to notice a dead broker) and a core timer; nothing blocks. A registration still
// in flight when the next one is due is not doubled: the newer topic table is sent when it returns.
//
// Core affinity and lifetime: created in core 0's start hook, destroyed in its stop hook.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "broker/broker_bodies.h"
#include "broker/topic/topic_config.h"
#include "reactor/reactor.h"
#include "rpc/remoting_client.h"

namespace ringmq::broker {

// Timeout of one NameServer call (RocketMQ registerBrokerTimeoutMills is 6-24 s; a local
// NameServer answers in microseconds, so a few seconds is plenty).
inline constexpr std::int64_t kNamesrvCallTimeoutMs = 3000;
// RocketMQ clamps registerNameServerPeriod to [10 s, 60 s].
inline constexpr int kRegisterPeriodMinMs = 10'000;
inline constexpr int kRegisterPeriodMaxMs = 60'000;

class BrokerRegistrar {
 public:
  BrokerRegistrar(reactor::Reactor& reactor, BrokerIdentity identity, std::vector<std::string> namesrv_addrs,
                  int period_ms);
  ~BrokerRegistrar();

  // Registers now with `topics`, then every period.
  void start(TopicSnapshotPtr topics);
  // A new topic table: registers again now. `attempted`, if set, runs once every NameServer has
  // answered (or failed) a registration that carries this table: UPDATE_AND_CREATE_TOPIC replies
  // then, as Java's registerIncrementBrokerData does, so a client that created a topic and then
  // asks for its route sees the new queue counts.
  void update(TopicSnapshotPtr topics, std::function<void()> attempted = {});
  // A new NameServer list (the address server's answer changed): peers still listed keep their
  // state, new ones are registered with at once, dropped ones are forgotten (their waiters run).
  void set_namesrv_addrs(const std::vector<std::string>& addrs);
  // Told the master's addresses a successful registration reply names (RegisterBrokerResult
  // masterAddr, haServerAddr; empty when absent): how a slave finds its master (issue 14).
  using OnRegistered = std::function<void(const std::string& master_addr, const std::string& ha_server_addr)>;
  void set_on_registered(OnRegistered f) { on_registered_ = std::move(f); }
  // Sends UNREGISTER_BROKER to every NameServer; `done` runs once all answered or failed.
  void unregister_all(std::function<void()> done);

 private:
  using Waiter = std::function<void()>;
  struct Peer {
    std::string addr;
    bool in_flight = false;
    bool again = false;  // the table changed while a registration was in flight
    std::vector<Waiter> in_flight_waiters;  // run when the registration in flight is answered
    std::vector<Waiter> next_waiters;       // run when the next one (the "again") is answered
  };
  void register_all();
  void register_with(std::size_t peer);
  static void run_waiters(std::vector<Waiter>& waiters);

  reactor::Reactor& reactor_;
  const BrokerIdentity identity_;
  const int period_ms_;
  std::vector<Peer> peers_;
  rpc::RemotingClient client_;
  TopicSnapshotPtr topics_;
  OnRegistered on_registered_;
  reactor::TimerId timer_;
  bool stopping_ = false;
  // Checked by callbacks that may outlive this object (a response arriving during teardown).
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ringmq::broker
