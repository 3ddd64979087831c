// BrokerRuntime: what the cores of a running broker share, and CoreState, what each core owns.
//
// Ownership (docs/ARCHITECTURE.md §3):
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

#include <atomic>
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
#include "broker/broker_address.h"
#include "broker/broker_limits.h"
#include "broker/broker_bodies.h"
#include "broker/broker_config.h"
#include "broker/stats/broker_stats.h"
#include "broker/stats/core_stats.h"
#include "broker/broker_controller.h"
#include "broker/client/consumer_snapshot.h"
#include "broker/schedule/delay_levels.h"
#include "broker/checkpoint_service.h"
#include "broker/schedule/delay_offset_table.h"
#include "broker/group_commit.h"
#include "broker/overflow_gate.h"
#include "broker/processor/reply_target.h"
#include "broker/topic/topic_config.h"
#include "broker/topic/topic_config_manager.h"
#include "reactor/engine.h"
#include "rpc/remoting_server.h"
#include "store/shard_store.h"
#include "store/store_root.h"

namespace ringmq::rpc { class HttpServer; }

namespace ringmq::broker {

class BrokerRegistrar;
namespace ha {
class HaService;
}
struct ClientManager;
class ConsumerOffsetManager;
class SubscriptionGroupManager;
class MessageAppendService;
class MetadataWriter;
class PullRequestHoldService;
class RetentionService;
class ScheduleMessageService;
class TransactionalMessageCheckService;
struct SendJob;

// How often ConsumeQueues, index files and the checkpoint are made durable.
inline constexpr std::int64_t kCheckpointIntervalMs = 1000;
// On SIGTERM the broker unregisters from its NameServers before the cores stop; it waits at most
// this long for their answers.
inline constexpr std::int64_t kUnregisterWaitMs = 3000;

struct CoreState {
  unsigned core = 0;
  std::unique_ptr<store::ShardStore> shard;
  TopicSnapshotPtr topics;
  ConsumerSnapshotPtr consumers;
  std::unique_ptr<rpc::RemotingServer> server;
  std::unique_ptr<rpc::RemotingServer> namesrv_server;  // standalone's NameServer listener
  PendingReplies replies;
  CoreStats stats;
  CoreStatsSet stats_set;  // TPS samples, morning counters, per-topic and per-group items
  std::minstd_rand random{std::random_device{}()};

  // The CommitLog's flush rounds and the sends waiting for them (made when the core starts).
  std::unique_ptr<GroupCommit> commit;
  // The checkpoint rounds (ConsumeQueues, index, checkpoint slot); kept until the cores stopped.
  std::unique_ptr<CheckpointService> checkpoint;
  // Set by on_core_stop once the shard closed cleanly (everything synced, checkpoint written).
  bool shard_closed = false;

  // Every append to this core's shard: stats and the on-append hook (broker/append).
  std::unique_ptr<MessageAppendService> append;
  // Disk-full refusal and expired-file deletion of this core's shard (broker/retention).
  std::unique_ptr<RetentionService> retention;

  // Long polling and delay levels of the queues this core owns.
  std::unique_ptr<PullRequestHoldService> holds;
  std::unique_ptr<ScheduleMessageService> schedule;

  // Cross-core posts that found the ring full: (target core, task), in order, retried by a
  // one-shot timer. Bounded: from kOverflowTasksRefuseRequests on, every core refuses new requests
  // (OverflowGate; overflow_over is this core's flag there).
  std::deque<std::pair<unsigned, reactor::Task>> overflow;
  bool overflow_retry_armed = false;
  bool overflow_over = false;
  // Cross-core posts made while this core's CommitLog had staged appends: they may carry replies
  // for those records, so they leave only after the pass commits them (the before-sends hook),
  // like the pass's own replies. One pwrite per pass, not one per cross-core reply.
  std::vector<std::pair<unsigned, reactor::Task>> after_commit;

  // ACL 1.0 gate of this core's requests; null when aclEnable is off.
  std::unique_ptr<acl::AclService> acl;
};

class BrokerRuntime {
 public:
  BrokerRuntime(BrokerConfig config, StandaloneOptions standalone);
  ~BrokerRuntime();

  Status start();
  void wait_for_stop();
  // Any thread, after start(): stops the broker as SIGTERM does (unregister from the NameServers,
  // then the cores stop). shutdown() then waits for the cores. Idempotent.
  void request_stop();
  Status shutdown();

  // --- for processors, on core threads ---
  // The settings in effect: the start-up config, or the latest UPDATE_BROKER_CONFIG snapshot.
  const BrokerConfig& config() const { return *live_config_.load(std::memory_order_acquire); }
  // Core 0: makes `next` the config in effect (earlier snapshots stay alive, as cores may hold
  // references). Errc::too_large past kBrokerConfigUpdatesMax updates.
  Status update_config(BrokerConfig next);
  // How many updates were applied (GET_BROKER_CONFIG's DataVersion counter).
  std::uint32_t config_updates() const { return config_updates_.load(std::memory_order_acquire); }
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
  // task on the calling core, in order behind any parked before, and a timer retries it.
  void post(unsigned core, reactor::Task task);
  // Runs a heap closure on `core` (for rare requests; the send path has its own job type).
  void run_on(unsigned core, std::function<void()> fn);
  // Any thread: the NameServers to register with from now on (fetchNamesrvAddrByAddressServer).
  void update_namesrv_addrs(std::vector<std::string> addrs);
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
  const DelayOffsetTable& delay_offsets() const { return delay_offsets_; }
  void commit_delay_offset(std::int32_t level, std::int64_t offset);
  void publish_consumers();
  const DelayLevels& delay_levels() const { return delay_levels_; }
  // Replication (broker/ha): master or slave side; set before the cores start.
  ha::HaService* ha() { return ha_.get(); }
  // Closed (new requests refused SYSTEM_BUSY on every core) while some core's cross-core backlog
  // is past kOverflowTasksRefuseRequests.
  const OverflowGate& overflow_gate() const { return overflow_gate_; }

 private:
  Status open_store();
  Status load_core0_tables();
  void on_core_start(reactor::Reactor& reactor);
  void on_core_stop(reactor::Reactor& reactor);
  // ShardStore::close(); marks cs.shard_closed, or logs why the store stays marked as crashed.
  void close_shard(CoreState& cs);
  void start_namesrv_listener(reactor::Reactor& reactor, CoreState& cs);
  void open_metrics_socket();
  void begin_graceful_stop();
  void drain_overflow(CoreState& cs);
  // post() once the task may leave: parked tasks first, then the ring, else park it.
  void post_now(CoreState& cs, reactor::Reactor& r, unsigned core, reactor::Task task);
  // The before-sends hook: commit the pass's staged appends, then release cs.after_commit.
  void commit_pass(CoreState& cs);
  // A one-shot timer that drains cs.overflow (and re-arms while tasks remain parked).
  void arm_overflow_retry(CoreState& cs);

  BrokerConfig config_;
  std::atomic<const BrokerConfig*> live_config_{&config_};
  std::vector<std::unique_ptr<BrokerConfig>> config_snapshots_;  // core 0; never shrinks
  std::atomic<std::uint32_t> config_updates_{0};
  OverflowGate overflow_gate_;
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
  DelayOffsetTable delay_offsets_;  // core 0 (loaded before the cores start)
  std::string delay_offsets_path_;
  std::unique_ptr<reactor::Engine> engine_;
  std::vector<std::unique_ptr<CoreState>> cores_;
  std::unique_ptr<reactor::ListenSockets> listen_sockets_;
  std::unique_ptr<reactor::ListenSockets> namesrv_sockets_;
  std::unique_ptr<reactor::ListenSockets> metrics_socket_;  // --metrics-listen, core 0's
  std::unique_ptr<rpc::HttpServer> metrics_;             // core 0, between its start and stop hooks
  std::unique_ptr<ha::HaService> ha_;
  std::unique_ptr<BrokerRegistrar> registrar_;  // core 0, between its start and stop hooks
  std::unique_ptr<TransactionalMessageCheckService> transaction_check_;  // core 0, likewise
  bool stopping_ = false;                       // core 0
};

}  // namespace ringmq::broker
