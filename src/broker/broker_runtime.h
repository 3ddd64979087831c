// BrokerRuntime: what the cores of a running broker share, and CoreState, what each core owns.
//
// Ownership: cores_[i] is touched only by core i. topics_ (TopicConfigManager) only by core 0,
// which publishes each new TopicSnapshot to every core by posting it. registrar_ runs its own
// thread (blocking NameServer calls, off the data path). Everything else is read-only once the
// cores run.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "broker/broker_bodies.h"
#include "broker/broker_config.h"
#include "broker/broker_controller.h"
#include "broker/frame_server.h"
#include "broker/topic_config.h"
#include "broker/topic_config_manager.h"
#include "reactor/engine.h"
#include "store/shard_store.h"
#include "store/store_root.h"

namespace ringmq::broker {

class BrokerRegistrar;
class BrokerRequestSink;
struct SendJob;
struct PostEnvelope;  // broker_runtime.cc

// How often each core retries cross-core posts that found a ring full, and checks sync-flush
// deadlines.
inline constexpr std::int64_t kHousekeepingIntervalMs = 5;
// How often ConsumeQueues, index files and the checkpoint are made durable.
inline constexpr std::int64_t kCheckpointIntervalMs = 1000;
// Tasks parked because a cross-core ring was full, per core, before requests are refused.
inline constexpr std::size_t kOverflowTasksMax = 1 << 16;

// Per-core statistics, summed over the cores for GET_BROKER_RUNTIME_INFO.
struct CoreStats {
  std::uint64_t put_messages = 0;
  std::uint64_t put_bytes = 0;
  std::int64_t put_time_max_us = 0;
};

struct CoreState {
  unsigned core = 0;
  std::unique_ptr<store::ShardStore> shard;
  TopicSnapshotPtr topics;
  std::unique_ptr<BrokerRequestSink> sink;
  std::unique_ptr<FrameServer> server;
  CoreStats stats;
  std::minstd_rand random{std::random_device{}()};

  // Sync flush: sends waiting for their bytes to be durable, keyed by CommitLog waiter token.
  std::unordered_map<std::uint64_t, std::unique_ptr<SendJob>> durable_waiters;
  std::deque<std::pair<std::int64_t, std::uint64_t>> waiter_deadlines;  // (monotonic ms, token)
  std::uint64_t next_token = 1;
  bool flush_scheduled = false;
  store::FlushPlan flush_plan;
  store::FlushPlan checkpoint_plan;

  // Cross-core posts that found the ring full: (target core, task), retried by housekeeping.
  std::deque<std::pair<unsigned, PostEnvelope*>> overflow;
};

class BrokerRuntime {
 public:
  BrokerRuntime(BrokerConfig config, StandaloneOptions standalone);
  ~BrokerRuntime();

  Status start();
  void wait_for_stop();
  Status shutdown();

  // --- for processors, on core threads ---
  const BrokerConfig& config() const { return config_; }
  const BrokerIdentity& identity() const { return identity_; }
  const store::HostAddress& store_host() const { return store_host_; }
  unsigned core_count() const { return core_count_; }
  CoreState& core_state(unsigned core) { return *cores_[core]; }
  // The calling core's state.
  CoreState& here();
  std::int64_t boot_timestamp_ms() const { return boot_timestamp_ms_; }
  std::uint16_t listen_port() const { return listen_port_; }

  // Runs `task` on `core` (inline-later on the same core). Never drops it: a full ring parks the
  // task on the calling core and housekeeping retries it.
  void post(unsigned core, reactor::Task task);
  // Runs a heap closure on `core` (for rare requests; the send path has its own job type).
  void run_on(unsigned core, std::function<void()> fn);
  // Sends an encoded reply frame to `target`, crossing cores if needed. Oneway requests get none.
  void reply(const ReplyTarget& target, const RequestRef& ref, remoting::RemotingCommand&& response);

  // Core 0 only: the topic manager, and publishing its snapshot to every core + the registrar.
  TopicConfigManager& topic_config_manager() { return *topics_; }
  void publish_topics(bool register_now);

  // Sync flush bookkeeping (broker_flush.cc), on the shard's core.
  void schedule_flush(CoreState& cs);

 private:
  Status open_store();
  void on_core_start(reactor::Reactor& reactor);
  void on_core_stop(reactor::Reactor& reactor);
  void housekeeping(CoreState& cs);
  void drain_overflow(CoreState& cs);
  void flush_round(CoreState& cs);
  void checkpoint_round(CoreState& cs);
  void expire_waiters(CoreState& cs);

  BrokerConfig config_;
  StandaloneOptions standalone_;
  BrokerIdentity identity_;
  store::HostAddress store_host_;
  unsigned core_count_ = 1;
  std::uint16_t listen_port_ = 0;
  std::int64_t boot_timestamp_ms_ = 0;

  std::unique_ptr<store::StoreRoot> root_;
  std::unique_ptr<TopicConfigManager> topics_;
  std::unique_ptr<reactor::Engine> engine_;
  std::vector<std::unique_ptr<CoreState>> cores_;
  std::unique_ptr<reactor::ListenSockets> listen_sockets_;
  std::unique_ptr<reactor::ListenSockets> extra_sockets_;
  std::unique_ptr<FrameServer> extra_server_;  // standalone's NameServer listener, core 0
  std::unique_ptr<BrokerRegistrar> registrar_;
};

}  // namespace ringmq::broker
