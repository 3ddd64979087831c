// BrokerRegistrar: keeps the broker registered with every NameServer (ROCKETMQ-PROTOCOL.md §3.3):
// REGISTER_BROKER at start, every register period and right after a topic change; UNREGISTER_BROKER
// on a clean stop.
//
// Runs its own thread with blocking sockets, one long-lived connection per NameServer (the
// NameServer drops a broker whose registration connection closes). Registration is rare, small
// and off the data path, so a plain thread is simpler than outgoing calls on a reactor core; it
// can move onto src/rpc's client once that lands. Thread-safe entry points: update(), stop().
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "broker/broker_bodies.h"
#include "broker/topic_config.h"

namespace ringmq::broker {

// Socket timeouts of a NameServer call (RocketMQ registerBrokerTimeoutMills is 6-24 s; a local
// NameServer answers in microseconds, so a few seconds is plenty).
inline constexpr int kNamesrvCallTimeoutMs = 3000;
// RocketMQ clamps registerNameServerPeriod to [10 s, 60 s].
inline constexpr int kRegisterPeriodMinMs = 10'000;
inline constexpr int kRegisterPeriodMaxMs = 60'000;

class BrokerRegistrar {
 public:
  BrokerRegistrar(BrokerIdentity identity, std::vector<std::string> namesrv_addrs, int period_ms);
  ~BrokerRegistrar();

  // Starts the thread; it registers at once with `topics`.
  void start(TopicSnapshotPtr topics);
  // A new topic table: registers again now.
  void update(TopicSnapshotPtr topics);
  // Ends the thread; then sends UNREGISTER_BROKER to every NameServer (if `unregister`).
  void stop(bool unregister);

 private:
  struct Peer {
    std::string addr;
    int fd = -1;
    std::int32_t next_opaque = 1;
  };
  void run();
  void register_all(const TopicSnapshot& topics);
  // One request/response on the peer's connection, reconnecting once if it broke.
  Result<remoting::RemotingCommand> call(Peer& peer, remoting::RemotingCommand& request);
  static Status connect_peer(Peer& peer);
  static void close_peer(Peer& peer);

  const BrokerIdentity identity_;
  std::vector<Peer> peers_;
  const int period_ms_;

  std::mutex mutex_;
  std::condition_variable cv_;
  TopicSnapshotPtr topics_;
  bool dirty_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ringmq::broker
