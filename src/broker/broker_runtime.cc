#include "broker/broker_runtime.h"

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <thread>

#include "base/clock.h"
#include "base/log.h"
#include "broker/append/message_append_service.h"
#include "broker/broker_address.h"
#include "broker/broker_config_update.h"
#include "broker/processor/broker_processors.h"
#include "broker/out/broker_registrar.h"
#include "broker/client/client_manager.h"
#include "broker/offset/consumer_offset_manager.h"
#include "broker/retention/disk_policy.h"
#include "broker/retention/retention_service.h"
#include "broker/ha/ha_service.h"
#include "broker/metadata_writer.h"
#include "broker/metrics/metrics_exporter.h"
#include "rpc/http_server.h"
#include "broker/processor/pull_message_processor.h"
#include "broker/longpolling/pull_request_hold_service.h"
#include "broker/schedule/schedule_message_service.h"
#include "broker/transaction/transactional_message_check_service.h"
#include "broker/subscription/subscription_group_manager.h"
#include "broker/processor/send_message_processor.h"
#include "remoting/response_code.h"
#include "rpc/channel.h"
#include "store/config_file.h"

namespace ringmq::broker {

BrokerRuntime::BrokerRuntime(BrokerConfig config, StandaloneOptions standalone)
    : config_(std::move(config)), standalone_(std::move(standalone)) {}

BrokerRuntime::~BrokerRuntime() = default;

CoreState& BrokerRuntime::here() {
  reactor::Reactor* r = reactor::Reactor::current();
  RINGMQ_ASSERT(r != nullptr);
  return *cores_[r->core()];
}

Status BrokerRuntime::open_store() {
  unsigned wanted = config_.cores > 0 ? static_cast<unsigned>(config_.cores) : reactor::default_core_count();
  wanted = std::clamp(wanted, 1u, store::kShardsMax);
  struct stat st {};
  const bool exists = ::stat((config_.store_dir + "/shards").c_str(), &st) == 0;
  RINGMQ_TRY_ASSIGN(root_, store::StoreRoot::open(config_.store_dir, exists ? 0 : wanted));
  core_count_ = root_->shard_count();
  if (core_count_ != wanted) {
    log_warn("store {} was created with {} shards: running {} cores instead of the {} asked for",
             config_.store_dir, core_count_, core_count_, wanted);
  }
  store::StoreOptions options;
  options.commit_log.segment_bytes = config_.commit_log_segment_bytes;
  options.commit_log.body_bytes_max = config_.max_message_bytes;
  options.commit_log.page_cache_keep_bytes = static_cast<std::size_t>(config_.page_cache_keep_mb) << 20;
  // Segments are sparse; their blocks are reserved a chunk at a time ahead of the writer (see
  // segment_preallocator.h). Zero-filling each chunk pays off only when sends
  // wait for fdatasync: on pre-written blocks it is 3-8x cheaper. In async mode nobody waits for
  // it, so the chunks are only fallocate'd, not written twice.
  const bool sync_flush = config_.flush_mode == FlushMode::sync_flush;
  options.commit_log.segment_prewrite =
      sync_flush ? store::SegmentPrewrite::zero_fill : store::SegmentPrewrite::allocate_only;
  options.retention_hours = config_.retention_hours;
  options.disk_usage_max_ratio = config_.disk_max_used_percent / 100.0;
  options.disk_clean_forcibly_ratio = config_.disk_clean_forcibly_percent / 100.0;
  options.commit_log.segment_refuse_at_usage = config_.disk_warning_percent / 100.0;
  // Shards are opened (and recovered) here, before the cores run; core i owns shard i afterwards.
  for (unsigned i = 0; i < core_count_; ++i) {
    auto cs = std::make_unique<CoreState>();
    cs->core = i;
    RINGMQ_TRY_ASSIGN(cs->shard, store::ShardStore::open(*root_, store::ShardId{i}, options));
    cs->append = std::make_unique<MessageAppendService>(*cs->shard, delay_levels_, cs->stats, cs->stats_set,
                                                        append_hook_of(*this, *cs));
    const auto& rec = cs->shard->recovery();
    log_info("shard {}: {} (log end {}, {} records scanned)", i, rec.crashed ? "recovered after a crash" : "opened",
             rec.end.value, rec.records_scanned);
    cores_.push_back(std::move(cs));
  }
  return {};
}

Status BrokerRuntime::update_config(BrokerConfig next) {
  if (config_snapshots_.size() >= kBrokerConfigUpdatesMax) {
    return make_error(Errc::too_large, fmt::format("{} live config updates (kBrokerConfigUpdatesMax); restart the "
                                                   "broker to change more",
                                                   config_snapshots_.size()));
  }
  config_snapshots_.push_back(std::make_unique<BrokerConfig>(std::move(next)));
  live_config_.store(config_snapshots_.back().get(), std::memory_order_release);
  config_updates_.fetch_add(1, std::memory_order_acq_rel);
  return {};
}

Status BrokerRuntime::start() {
  boot_timestamp_ms_ = wall_clock_ms();
  // SIGINT/SIGTERM must reach wait_for_stop()'s sigwait, not kill the process: block them before
  // any thread exists (the store's segment preallocators start in open_store) so every thread
  // inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  if (config_.acl_enable) {
    RINGMQ_TRY_ASSIGN(config_.acl_file, acl::resolve_acl_path(config_.acl_file));
    RINGMQ_TRY_ASSIGN(acl_initial_, acl::load_acl(config_.acl_file));
    log_info("ACL enabled: {} ({} accounts)", config_.acl_file, acl_initial_.config->accounts.size());
  }
  RINGMQ_TRY(open_store());
  TopicConfigManagerOptions topic_options;
  topic_options.cluster_name = config_.cluster_name;
  topic_options.broker_name = config_.broker_name;
  topic_options.auto_create_topic = config_.auto_create_topic;
  topic_options.default_topic_queue_nums = config_.default_topic_queue_nums;
  topic_options.config_path = root_->config_dir() + "/" + std::string(kTopicsFile);
  writer_ = std::make_unique<MetadataWriter>();
  topic_options.writer = writer_.get();
  topics_ = std::make_unique<TopicConfigManager>(topic_options);
  RINGMQ_TRY(topics_->load());
  RINGMQ_TRY(load_core0_tables());
  for (auto& cs : cores_) cs->topics = topics_->snapshot();

  RINGMQ_TRY_ASSIGN(auto sockets, reactor::open_listen_sockets(config_.listen_host, config_.listen_port, core_count_));
  listen_sockets_ = std::make_unique<reactor::ListenSockets>(std::move(sockets));
  listen_port_ = listen_sockets_->port;
  if (standalone_.enabled) {
    namesrv_cores_ = standalone_.namesrv_on_every_core ? core_count_ : 1;
    RINGMQ_TRY_ASSIGN(auto extra,
                      reactor::open_listen_sockets(standalone_.namesrv_host, standalone_.namesrv_port, namesrv_cores_));
    namesrv_sockets_ = std::make_unique<reactor::ListenSockets>(std::move(extra));
    log_info("embedded NameServer listening on {}:{}", standalone_.namesrv_host, namesrv_sockets_->port);
  }
  open_metrics_socket();
  ha_ = std::make_unique<ha::HaService>(*this);
  RINGMQ_TRY(ha_->open(config_.listen_host));
  const std::string ip = derive_advertised_ip(config_);
  RINGMQ_TRY_ASSIGN(store_host_, host_address(ip, listen_port_));
  const std::uint16_t ha_port = ha_->port() != 0 ? ha_->port() : ha::ha_listen_port_of(config_);
  identity_ = BrokerIdentity{config_.cluster_name, config_.broker_name, config_.broker_id,
                             ip + ":" + std::to_string(listen_port_), ip + ":" + std::to_string(ha_port)};

  reactor::EngineOptions engine_options;
  engine_options.cores = core_count_;
  engine_options.zerocopy_send_min_bytes = config_.zerocopy_send_min_bytes;
  engine_options.idle_poll_ns = config_.idle_poll_us * 1000;
  engine_options.connections_max = static_cast<std::size_t>(config_.connections_per_core_max);
  // Signals are taken by wait_for_stop() so the broker can unregister before the cores stop.
  engine_options.handle_signals = false;
  engine_ = std::make_unique<reactor::Engine>(engine_options);
  if (standalone_.enabled && standalone_.prepare) standalone_.prepare(core_count_);
  RINGMQ_TRY(engine_->start([this](reactor::Reactor& r) { on_core_start(r); },
                            [this](reactor::Reactor& r) { on_core_stop(r); }));
  log_info("broker {} ({} in {}) serving {} on {} cores, flush {}, role {}", config_.broker_name, identity_.broker_addr,
           config_.cluster_name, config_.store_dir, core_count_,
           config_.flush_mode == FlushMode::sync_flush ? "sync" : "async",
           config_.role == BrokerRole::slave ? "slave" : "master");
  return {};
}

Status BrokerRuntime::load_core0_tables() {
  RINGMQ_TRY_ASSIGN(delay_levels_, DelayLevels::parse(config_.delay_levels));
  const std::string dir = root_->config_dir() + "/";
  groups_ = std::make_unique<SubscriptionGroupManager>(dir + std::string(kSubscriptionGroupsFile),
                                                       config_.auto_create_subscription_group, *writer_);
  RINGMQ_TRY(groups_->load());
  offsets_ = std::make_unique<ConsumerOffsetManager>(dir + std::string(kConsumerOffsetsFile), *writer_);
  RINGMQ_TRY(offsets_->load());
  clients_ = std::make_unique<ClientManager>();
  delay_offsets_path_ = dir + std::string(kDelayOffsetsFile);
  auto text = store::load_config_file(delay_offsets_path_);
  if (text.ok()) {
    RINGMQ_TRY_ASSIGN(delay_offsets_, decode_delay_offsets(*text));
  } else if (text.error().code != Errc::not_found) {
    return text.take_error();
  }
  auto snapshot = std::make_shared<ConsumerSnapshot>();
  snapshot->group_configs.insert(groups_->table().groups.begin(), groups_->table().groups.end());
  for (auto& cs : cores_) cs->consumers = snapshot;
  return {};
}

void BrokerRuntime::publish_consumers() {
  auto snapshot = std::make_shared<ConsumerSnapshot>();
  snapshot->group_configs.insert(groups_->table().groups.begin(), groups_->table().groups.end());
  snapshot->groups = clients_->consumers.views();
  ConsumerSnapshotPtr published = snapshot;
  cores_[0]->consumers = published;
  for (unsigned core = 1; core < core_count_; ++core) {
    post(core, [this, core, s = std::make_unique<ConsumerSnapshotPtr>(published)] { cores_[core]->consumers = *s; });
  }
}

void BrokerRuntime::commit_delay_offset(std::int32_t level, std::int64_t offset) {
  auto& slot = delay_offsets_.offsets[level];
  if (slot == offset) return;
  slot = offset;
  writer_->save(delay_offsets_path_, encode_delay_offsets(delay_offsets_));
}

void BrokerRuntime::on_core_start(reactor::Reactor& reactor) {
  CoreState& cs = *cores_[reactor.core()];
  cs.server = std::make_unique<rpc::RemotingServer>(reactor);
  if (config_.acl_enable) {
    cs.acl = std::make_unique<acl::AclService>(config_.acl_file, acl_initial_);
    (void)reactor.add_periodic_timer(acl::kAclWatchIntervalMs, [&cs] { cs.acl->poll(); });
  }
  cs.server->set_limits(rpc::ServerLimits{config_.connections_per_ip_max, config_.idle_timeout_s * 1000});
  register_broker_handlers(*this, cs, *cs.server);
  const unsigned core = cs.core;
  cs.server->set_connection_listeners(nullptr, [this, core](reactor::ConnectionId id, const std::string&) {
    post(0, [this, core, id] { on_client_connection_closed(*this, core, id); });
  });
  cs.holds = std::make_unique<PullRequestHoldService>(reactor, [this, &cs](std::unique_ptr<PullJob> job) {
    execute_pull(*this, cs, std::move(job));
  });
  cs.schedule = std::make_unique<ScheduleMessageService>(*this, cs, delay_offsets_.offsets);
  // A slave delivers no delayed messages: its log is the master's copy (RocketMQ starts the
  // ScheduleMessageService on masters only).
  if (config_.role != BrokerRole::slave) cs.schedule->start();
  if (auto st = cs.server->listen(listen_sockets_->release(cs.core)); !st.ok()) {
    log_error("core {} cannot listen: {}", cs.core, st.error().to_string());
  }
  if (cs.core < namesrv_cores_) start_namesrv_listener(reactor, cs);
  if (cs.core == 0 && metrics_socket_) {
    metrics_ = std::make_unique<rpc::HttpServer>(
        "/metrics", std::string(rpc::kPrometheusContentType),
        [this](rpc::HttpServer::Done done) { render_metrics(*this, std::move(done)); });
    if (auto st = metrics_->listen(reactor, metrics_socket_->release(0)); !st.ok()) {
      log_error("metrics cannot listen: {}", st.error().to_string());
    }
  }
  if (cs.core == 0) {
    registrar_ = std::make_unique<BrokerRegistrar>(reactor, identity_, config_.namesrv_addrs,
                                                   config_.register_period_ms);
    registrar_->set_on_registered([this](const std::string& master, const std::string& ha_addr) {
      ha_->on_registered(master, ha_addr);
    });
    registrar_->start(topics_->snapshot());
    (void)reactor.add_periodic_timer(kClientScanIntervalMs, [this] { scan_expired_clients(*this); });
    (void)reactor.add_periodic_timer(kConsumerOffsetPersistIntervalMs, [this] { offsets_->persist(); });
    transaction_check_ = std::make_unique<TransactionalMessageCheckService>(*this);
    transaction_check_->start();
  }
  cs.commit = std::make_unique<GroupCommit>(
      reactor, cs.shard->commit_log(), config_.sync_flush_timeout_ms,
      [this, &cs](std::unique_ptr<SendJob> job, std::int32_t code) {
        if (code == remoting::response_code::kFlushDiskTimeout) ++cs.stats.flush_disk_timeouts;
        // SYNC_MASTER under --flush sync: durable here, now wait for a slave (RocketMQ:
        // handleDiskFlush, then handleHA).
        if (code == remoting::response_code::kSuccess && ha_->wait_replica(cs, job)) return;
        reply_stored(*this, *job, code);
      },
      [&cs](std::size_t sends, std::int64_t round_us) {
        if (sends > 0) cs.stats.record_flush_group(sends);
        cs.stats.flush_latency.record(round_us);
      });
  // Appends made in a pass reach the page cache before the pass's replies and cross-core posts
  // leave (CommitLog, CoreState::after_commit).
  reactor.add_before_sends_hook([this, &cs] { commit_pass(cs); });
  (void)reactor.add_periodic_timer(kStatsSampleIntervalMs, [&cs] { cs.stats_set.tick(cs.stats, wall_clock_ms()); });
  cs.checkpoint = std::make_unique<CheckpointService>(*cs.shard, cs.core);
  (void)reactor.add_periodic_timer(kCheckpointIntervalMs, [&cs] { cs.checkpoint->run_round(); });
  cs.retention = std::make_unique<RetentionService>(*cs.shard, cs.core, config_);
  (void)reactor.add_periodic_timer(kDiskCheckIntervalMs, [&cs] { cs.retention->check(wall_clock_ms()); });
  ha_->start_core(reactor, cs);
  cs.retention->check(wall_clock_ms());  // a disk already full refuses the first send, not one a second later
  if (config_.flush_mode == FlushMode::async_flush) {
    (void)reactor.add_periodic_timer(config_.async_flush_interval_ms, [&cs] { cs.commit->flush_now(); });
  }
}

// Metrics are an aid, not the service: a port already taken (say, two standalones on one host)
// is logged and the broker runs without them.
void BrokerRuntime::open_metrics_socket() {
  if (config_.metrics_listen.empty()) return;
  const auto colon = config_.metrics_listen.rfind(':');
  const std::string host = config_.metrics_listen.substr(0, colon);
  const auto port = static_cast<std::uint16_t>(std::atoi(config_.metrics_listen.c_str() + colon + 1));
  auto socket = reactor::open_listen_sockets(host, port, 1);
  if (!socket.ok()) {
    log_error("metrics: cannot listen on {}: {}; running without /metrics", config_.metrics_listen,
              socket.error().to_string());
    return;
  }
  metrics_socket_ = std::make_unique<reactor::ListenSockets>(std::move(socket).value());
  log_info("metrics: GET /metrics on {}:{}", host, metrics_socket_->port);
}

void BrokerRuntime::start_namesrv_listener(reactor::Reactor& reactor, CoreState& cs) {
  cs.namesrv_server = std::make_unique<rpc::RemotingServer>(reactor);
  if (standalone_.attach) standalone_.attach(reactor, *cs.namesrv_server);
  if (auto st = cs.namesrv_server->listen(namesrv_sockets_->release(cs.core)); !st.ok()) {
    log_error("embedded NameServer cannot listen on core {}: {}", cs.core, st.error().to_string());
  }
}

void BrokerRuntime::on_core_stop(reactor::Reactor& reactor) {
  CoreState& cs = *cores_[reactor.core()];
  if (cs.namesrv_server && standalone_.detach) standalone_.detach(reactor);
  if (cs.core == 0) {
    registrar_.reset();
    transaction_check_.reset();
    offsets_->persist();
  }
  cs.schedule.reset();
  cs.holds.reset();
  // Connections are gone: parked replies and sync sends cannot be answered, but their bytes are
  // made durable by the clean close below. The reactor ran every fsync in flight to completion
  // before this hook, so no flush or checkpoint round is still open here.
  cs.commit->drop_waiters();
  ha_->stop_core(cs);
  cs.replies.clear();
  close_shard(cs);
  cs.namesrv_server.reset();
  cs.server.reset();
}

void BrokerRuntime::wait_for_stop() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  int sig = 0;
  while (sigwait(&stop_signals, &sig) != 0) {
  }
  log_info("signal {}: stopping", sig);
  request_stop();
  engine_->wait();
}

void BrokerRuntime::request_stop() {
  if (!engine_) return;
  // begin_graceful_stop ignores a second call; a full inbox stops the cores without unregistering.
  if (!engine_->post(0, [this] { begin_graceful_stop(); }).ok()) engine_->stop();
}

// On core 0: UNREGISTER_BROKER to every NameServer while the cores still run, then stop them.
void BrokerRuntime::begin_graceful_stop() {
  if (stopping_) return;
  stopping_ = true;
  reactor::Engine* engine = engine_.get();
  (void)reactor::Reactor::current()->add_timer(kUnregisterWaitMs, [engine] { engine->stop(); });
  if (!registrar_) return engine->stop();
  registrar_->unregister_all([engine] { engine->stop(); });
}

Status BrokerRuntime::shutdown() {
  if (engine_) engine_->join();
  if (writer_) writer_->flush();
  // A shard whose core never ran its stop hook (start failed after open_store, or a core never
  // started) is still open, perhaps with bytes recovered after a crash that no checkpoint names:
  // close it here (no core runs any more). Before this, cores_.clear() dropped such shards and
  // close_clean() then removed the abort marker, so the next start trusted a stale checkpoint and
  // zeroed the acknowledged records after it.
  // A shard that failed to open (open_store stopped part way) has no CoreState: it counts as not
  // closed, so the marker stays for it too.
  std::size_t closed = 0;
  for (auto& cs : cores_) {
    if (cs->shard && !cs->shard_closed) close_shard(*cs);
    if (cs->shard_closed) ++closed;
  }
  cores_.clear();
  const bool all_closed = root_ && closed == root_->shard_count();
  if (root_ && !all_closed) {
    log_error("store {}: {} of {} shards closed cleanly; the abort marker stays and the next start recovers the log",
              config_.store_dir, closed, root_->shard_count());
    return make_error(Errc::io, "a shard did not close cleanly");
  }
  if (root_) {
    if (auto st = root_->close_clean(); !st.ok()) {
      log_error("store {} not closed cleanly ({}): the abort marker stays and the next start recovers the log",
                config_.store_dir, st.error().to_string());
      return st;
    }
  }
  log_info("broker {} stopped cleanly", config_.broker_name);
  return {};
}

void BrokerRuntime::close_shard(CoreState& cs) {
  if (auto st = cs.shard->close(); !st.ok()) {
    log_error("shard {} did not close cleanly: {}; its store keeps the abort marker", cs.core, st.error().to_string());
    return;
  }
  cs.shard_closed = true;
}

void BrokerRuntime::post(unsigned core, reactor::Task task) {
  reactor::Reactor* r = reactor::Reactor::current();
  if (r == nullptr) {
    if (!engine_->post(core, std::move(task)).ok()) log_error("post to core {} from outside the cores failed: task dropped", core);
    return;
  }
  CoreState& cs = *cores_[r->core()];
  // The task may carry a reply for a record appended in this pass: it must not reach another core
  // (and leave from there) before the record is in the page cache. Once one task waits, later
  // ones wait behind it, so tasks to one core keep their order.
  if (cs.shard->commit_log().has_staged() || !cs.after_commit.empty()) {
    cs.after_commit.emplace_back(core, std::move(task));
    return;
  }
  post_now(cs, *r, core, std::move(task));
}

void BrokerRuntime::commit_pass(CoreState& cs) {
  cs.shard->commit_log().commit_staged();
  if (cs.after_commit.empty()) return;
  std::vector<std::pair<unsigned, reactor::Task>> ready;
  ready.swap(cs.after_commit);
  reactor::Reactor& r = *reactor::Reactor::current();
  for (auto& [core, task] : ready) post_now(cs, r, core, std::move(task));
  ready.clear();
  if (cs.after_commit.empty()) cs.after_commit.swap(ready);  // keep the capacity: no allocation per pass
}

void BrokerRuntime::post_now(CoreState& cs, reactor::Reactor& r, unsigned core, reactor::Task task) {
  // Parked tasks go first, so tasks to one core keep their order.
  if (cs.overflow.empty() && r.try_post(core, task)) return;
  // Was an assert, reachable by load (pipelined oneway sends to a queue of a slower core): the
  // broker crashed. From kOverflowTasksRefuseRequests on every core refuses new requests
  // (OverflowGate); a task already owed (a reply, a continuation) is never dropped. The replies
  // owed by the sends and pulls parked here fit below kOverflowTasksMax (broker_limits.h).
  if (cs.overflow.size() == kOverflowTasksMax) {
    log_error("core {}: {} cross-core tasks parked behind full rings", cs.core, cs.overflow.size());
  }
  cs.overflow.emplace_back(core, std::move(task));
  overflow_gate_.update(cs.overflow_over, cs.overflow.size());
  arm_overflow_retry(cs);
}

void BrokerRuntime::arm_overflow_retry(CoreState& cs) {
  if (cs.overflow_retry_armed) return;
  auto timer = reactor::Reactor::current()->add_timer(kOverflowRetryMs, [this, &cs] {
    cs.overflow_retry_armed = false;
    drain_overflow(cs);
  });
  cs.overflow_retry_armed = timer.ok();
}

void BrokerRuntime::drain_overflow(CoreState& cs) {
  reactor::Reactor& r = *reactor::Reactor::current();
  while (!cs.overflow.empty()) {
    auto& [core, task] = cs.overflow.front();
    if (!r.try_post(core, task)) break;
    cs.overflow.pop_front();
  }
  overflow_gate_.update(cs.overflow_over, cs.overflow.size());
  if (!cs.overflow.empty()) arm_overflow_retry(cs);
}

void BrokerRuntime::update_namesrv_addrs(std::vector<std::string> addrs) {
  run_on(0, [this, addrs = std::move(addrs)] {
    if (registrar_) registrar_->set_namesrv_addrs(addrs);
  });
}

void BrokerRuntime::run_on(unsigned core, std::function<void()> fn) {
  post(core, [f = std::make_unique<std::function<void()>>(std::move(fn))] { (*f)(); });
}

ReplyTarget BrokerRuntime::park_reply(CoreState& cs, rpc::ReplyContext reply) {
  if (reply.is_oneway()) return ReplyTarget{cs.core, 0};
  return ReplyTarget{cs.core, cs.replies.park(std::move(reply))};
}

std::optional<rpc::ReplyContext> BrokerRuntime::take_reply(const ReplyTarget& target) {
  if (target.token == 0) return std::nullopt;
  return cores_[target.core]->replies.take(target.token);
}

void BrokerRuntime::reply(const ReplyTarget& target, const RequestRef& ref, remoting::RemotingCommand&& response) {
  if (ref.oneway || target.token == 0) return;
  reactor::Reactor* r = reactor::Reactor::current();
  if (r != nullptr && r->core() == target.core) {
    auto context = take_reply(target);
    if (!context) return;  // answered already
    if (auto st = context->reply(std::move(response)); !st.ok() && st.error().code != Errc::closed) {
      log_warn("reply to opaque {} failed: {}", ref.opaque, st.error().to_string());
    }
    return;
  }
  post(target.core, [this, target, ref, r = std::make_unique<remoting::RemotingCommand>(std::move(response))] {
    reply(target, ref, std::move(*r));
  });
}

PeerAddress BrokerRuntime::peer_of(reactor::ConnectionId connection) {
  reactor::Reactor* r = reactor::Reactor::current();
  const reactor::Connection* conn = r ? r->find(connection) : nullptr;
  return conn == nullptr ? PeerAddress{} : parse_peer_address(conn->peer());
}

void BrokerRuntime::publish_topics(bool register_now, std::function<void()> registered) {
  TopicSnapshotPtr snapshot = topics_->snapshot();
  cores_[0]->topics = snapshot;
  for (unsigned core = 1; core < core_count_; ++core) {
    post(core, [this, core, s = std::make_unique<TopicSnapshotPtr>(snapshot)] { cores_[core]->topics = *s; });
  }
  if (register_now && registrar_) return registrar_->update(snapshot, std::move(registered));
  if (registered) registered();
}

}  // namespace ringmq::broker
