// BrokerRuntime: what the cores of a running broker share, and CoreState, what each core owns.
//
// Ownership (DESIGN.md §3):
// - cores_[i] is touched only by core i: its ShardStore (CommitLog + the ConsumeQueues of the
//   queues shard_of_queue() gives it), its RemotingServer on the shared SO_REUSEPORT port, its
//   parked replies, its waiting pulls (PullRequestHoldService) and the delay levels whose
//   SCHEDULE_TOPIC_XXXX queue it owns (ScheduleMessageService).
// - core 0 alone owns the small, rarely changing tables: topics (TopicConfigManager), subscription
//   groups, consumer offsets, the client/consumer/producer tables, and the NameServer registrar.
//   It publishes immutable snapshots (topics, groups + subscriptions) to every core by posting
//   them, so the data path reads its own core's copy and never locks.
// - everything else is read-only once the cores run.
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

#include "broker/acl/acl_service.h"
#include "broker/broker_bodies.h"
#include "broker/broker_config.h"
#include "broker/broker_controller.h"
#include "broker/consumer_snapshot.h"
#include "broker/delay_levels.h"
#include "broker/reply_target.h"
#include "broker/topic_config.h"
#include "broker/topic_config_manager.h"
#include "reactor/engine.h"
#include "rpc/remoting_server.h"
#include "store/shard_store.h"
#include "store/store_root.h"

namespace ringmq::broker {

class BrokerRegistrar;
struct ClientManager;
class ConsumerOffsetManager;
class SubscriptionGroupManager;
class MetadataWriter;
class PullRequestHoldService;
class ScheduleMessageService;
struct SendJob;
struct PostEnvelope;  // broker_runtime.cc

// How often each core retries cross-core posts that found a ring full, and checks sync-flush
// deadlines.
inline constexpr std::int64_t kHousekeepingIntervalMs = 5;
// How often ConsumeQueues, index files and the checkpoint are made durable.
inline constexpr std::int64_t kCheckpointIntervalMs = 1000;
// Tasks parked because a cross-core ring was full, per core, before requests are refused.
inline constexpr std::size_t kOverflowTasksMax = 1 << 16;
// From this many parked tasks on, the core answers new requests SYSTEM_BUSY at the door instead
// of taking on more cross-core work (what is already in flight still completes).
inline constexpr std::size_t kOverflowTasksRefuseRequests = kOverflowTasksMax / 2;
// On SIGTERM the broker unregisters from its NameServers before the cores stop; it waits at most
// this long for their answers.
inline constexpr std::int64_t kUnregisterWaitMs = 3000;

// Per-core statistics, summed over the cores for GET_BROKER_RUNTIME_INFO.
struct CoreStats {
  std::uint64_t put_messages = 0;
  std::uint64_t put_bytes = 0;
  std::int64_t put_time_max_us = 0;
  std::uint64_t get_messages = 0;
  std::uint64_t get_bytes = 0;
};

// The IPv4 address and port of a client connection (born host of what it sends).
struct PeerAddress {
  std::uint32_t ipv4 = 0;
  std::int32_t port = 0;
};

// One round of fsyncs over a FlushPlan (broker_flush.cc). The reactor takes at most
// reactor::kFsyncsInFlightMax fsyncs at once and a checkpoint plan names one range per dirty
// ConsumeQueue file (hundreds on a busy core), so a round's ranges are fed through a window: more
// are submitted as completions come in, and the plan goes back to the store after the last one.
struct FsyncRound {
  store::FlushPlan plan;
  std::size_t next = 0;       // first range not yet submitted
  std::size_t in_flight = 0;  // submitted, completion not in yet
  int result = 0;             // first failure (-errno), 0 if none
};

struct CoreState {
  unsigned core = 0;
  std::unique_ptr<store::ShardStore> shard;
  TopicSnapshotPtr topics;
  ConsumerSnapshotPtr consumers;
  std::unique_ptr<rpc::RemotingServer> server;
  std::unique_ptr<rpc::RemotingServer> namesrv_server;  // standalone's NameServer listener
  PendingReplies replies;
  CoreStats stats;
  std::minstd_rand random{std::random_device{}()};

  // Sync flush: sends waiting for their bytes to be durable, keyed by CommitLog waiter token.
  std::unordered_map<std::uint64_t, std::unique_ptr<SendJob>> durable_waiters;
  std::deque<std::pair<std::int64_t, std::uint64_t>> waiter_deadlines;  // (monotonic ms, token)
  std::uint64_t next_token = 1;
  bool flush_scheduled = false;
  // The CommitLog's flush round and the checkpoint round (ConsumeQueues, index, checkpoint slot).
  FsyncRound flush;
  FsyncRound checkpoint;
  // Set by on_core_stop once the shard closed cleanly (everything synced, checkpoint written).
  bool shard_closed = false;

  // Long polling and delay levels of the queues this core owns.
  std::unique_ptr<PullRequestHoldService> holds;
  std::unique_ptr<ScheduleMessageService> schedule;

  // Cross-core posts that found the ring full: (target core, task), retried by housekeeping.
  std::deque<std::pair<unsigned, PostEnvelope*>> overflow;

  // ACL 1.0 gate of this core's requests; null when aclEnable is off.
  std::unique_ptr<acl::AclService> acl;
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
  reactor::Engine& engine() { return *engine_; }

  // Runs `task` on `core` (inline-later on the same core). Never drops it: a full ring parks the
  // task on the calling core and housekeeping retries it.
  void post(unsigned core, reactor::Task task);
  // Runs a heap closure on `core` (for rare requests; the send path has its own job type).
  void run_on(unsigned core, std::function<void()> fn);
  // Parks `reply` on the calling core and returns where its answer must go.
  ReplyTarget park_reply(CoreState& cs, rpc::ReplyContext reply);
  // Sends `response` to `target`, crossing back to its home core if needed. Oneway requests get
  // nothing.
  void reply(const ReplyTarget& target, const RequestRef& ref, remoting::RemotingCommand&& response);
  // The parked context of `target`, taken out; call on target.core only.
  std::optional<rpc::ReplyContext> take_reply(const ReplyTarget& target);
  // The peer of one of this core's connections.
  PeerAddress peer_of(reactor::ConnectionId connection);

  // Core 0 only: the topic manager, and publishing its snapshot to every core + the registrar.
  TopicConfigManager& topic_config_manager() { return *topics_; }
  // `registered` (core 0) runs once the NameServers have answered a registration carrying the
  // new table, or at once when there is nothing to register with.
  void publish_topics(bool register_now, std::function<void()> registered = {});
  // Core 0 only: the consumer-side tables and publishing their snapshot (groups + subscriptions).
  ClientManager& client_manager() { return *clients_; }
  ConsumerOffsetManager& offsets() { return *offsets_; }
  SubscriptionGroupManager& groups() { return *groups_; }
  const store::DelayOffsetTable& delay_offsets() const { return delay_offsets_; }
  void commit_delay_offset(std::int32_t level, std::int64_t offset);
  void publish_consumers();
  const DelayLevels& delay_levels() const { return delay_levels_; }

  // Sync flush bookkeeping (broker_flush.cc), on the shard's core.
  void schedule_flush(CoreState& cs);

 private:
  Status open_store();
  Status load_core0_tables();
  void on_core_start(reactor::Reactor& reactor);
  void on_core_stop(reactor::Reactor& reactor);
  // ShardStore::close(); marks cs.shard_closed, or logs why the store stays marked as crashed.
  void close_shard(CoreState& cs);
  void start_namesrv_listener(reactor::Reactor& reactor, CoreState& cs);
  void begin_graceful_stop();
  void housekeeping(CoreState& cs);
  void drain_overflow(CoreState& cs);
  void flush_round(CoreState& cs);
  void finish_flush_round(CoreState& cs);
  void on_flush_fsync(CoreState& cs, int result);
  void checkpoint_round(CoreState& cs);
  void on_checkpoint_fsync(CoreState& cs, int result);
  void finish_checkpoint_round(CoreState& cs);
  void expire_waiters(CoreState& cs);

  BrokerConfig config_;
  StandaloneOptions standalone_;
  BrokerIdentity identity_;
  store::HostAddress store_host_;
  unsigned core_count_ = 1;
  unsigned namesrv_cores_ = 0;
  std::uint16_t listen_port_ = 0;
  std::int64_t boot_timestamp_ms_ = 0;

  std::unique_ptr<store::StoreRoot> root_;
  std::unique_ptr<TopicConfigManager> topics_;
  DelayLevels delay_levels_;
  std::unique_ptr<MetadataWriter> writer_;
  acl::LoadedAcl acl_initial_;  // the plain_acl.yml read at start, shared by the cores until they reload
  std::unique_ptr<SubscriptionGroupManager> groups_;
  std::unique_ptr<ConsumerOffsetManager> offsets_;
  std::unique_ptr<ClientManager> clients_;
  store::DelayOffsetTable delay_offsets_;  // core 0 (loaded before the cores start)
  std::string delay_offsets_path_;
  std::unique_ptr<reactor::Engine> engine_;
  std::vector<std::unique_ptr<CoreState>> cores_;
  std::unique_ptr<reactor::ListenSockets> listen_sockets_;
  std::unique_ptr<reactor::ListenSockets> namesrv_sockets_;
  std::unique_ptr<BrokerRegistrar> registrar_;  // core 0, between its start and stop hooks
  bool stopping_ = false;                       // core 0
};

}  // namespace ringmq::broker
