// SlaveSynchronize: a slave copies the master's metadata every kSlaveSyncIntervalMs (RocketMQ
// B/slave/SlaveSynchronize.java; 4.9 runs it every 10 s, "every few seconds" here): topics
// (GET_ALL_TOPIC_CONFIG), consumer offsets (GET_ALL_CONSUMER_OFFSET), delay offsets
// (GET_ALL_DELAY_OFFSET) and subscription groups (GET_ALL_SUBSCRIPTIONGROUP_CONFIG), asked of the
// master's remoting address that the NameServer returned at registration (masterAddr). Each table
// replaces the slave's own, as in RocketMQ, and is persisted through the slave's managers.
//
// Core 0 only (it owns those tables), over an rpc::RemotingClient; one round at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "reactor/reactor.h"
#include "remoting/command.h"
#include "rpc/remoting_client.h"

namespace ringmq::broker {
class BrokerRuntime;
}

namespace ringmq::broker::ha {

inline constexpr std::int64_t kSlaveSyncIntervalMs = 3000;
inline constexpr std::int64_t kSlaveSyncCallTimeoutMs = 3000;

class SlaveSynchronize {
 public:
  SlaveSynchronize(BrokerRuntime& rt, reactor::Reactor& reactor);
  ~SlaveSynchronize();
  void start();
  // The master's remoting address ("" = unknown yet: nothing is asked).
  void set_master(const std::string& address) { master_ = address; }
  // Rounds whose four answers were all applied (for tests and logs).
  std::uint64_t rounds_done() const { return rounds_done_; }

 private:
  void round();
  void ask(std::int32_t code, void (SlaveSynchronize::*apply)(const remoting::RemotingCommand&));
  void apply_topics(const remoting::RemotingCommand& r);
  void apply_consumer_offsets(const remoting::RemotingCommand& r);
  void apply_delay_offsets(const remoting::RemotingCommand& r);
  void apply_groups(const remoting::RemotingCommand& r);
  void answered(bool ok);

  BrokerRuntime& rt_;
  reactor::Reactor& reactor_;
  rpc::RemotingClient client_;
  std::string master_;
  int pending_ = 0;
  bool round_ok_ = true;
  std::uint64_t rounds_done_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ringmq::broker::ha
