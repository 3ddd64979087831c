#include "broker/ha/ha_master.h"

#include <fmt/format.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/log_limiter.h"
#include "broker/broker_limits.h"
#include "broker/broker_runtime.h"
#include "broker/offset_waiters.h"
#include "broker/processor/send_message_processor.h"
#include "remoting/response_code.h"

namespace ringmq::broker::ha {

namespace rc = remoting::response_code;

namespace {
// How long a refused slave's connection stays open so that it reads why.
constexpr std::int64_t kRefuseCloseDelayMs = 200;
// How often core 0 checks its slaves (idle heartbeats, silent connections).
constexpr std::int64_t kHousekeepingTickMs = 1000;
}  // namespace

struct HaMaster::Peer {
  reactor::ConnectionId id;
  std::string addr;
  HaFrameReader reader{0};  // slaves send no bodies
  bool hello = false;
  bool started = false;
  bool fetching = false;
  bool refused = false;
  std::uint16_t shard = 0;
  std::int64_t sent_end = -1;  // the end of what was queued to this slave
  std::int64_t acked = -1;
  std::int64_t last_recv_ms = 0;
  std::int64_t last_send_ms = 0;
};

struct HaMaster::Shard {
  ReplicaAcks acks;
  std::vector<std::pair<std::uint64_t, std::int64_t>> parked;  // (peer, from) waiting for appends
  bool serve_scheduled = false;
  OffsetWaiters<std::unique_ptr<SendJob>> waiters{kReplicaWaitersPerCoreMax};
  bool deadline_armed = false;
};

Result<std::optional<HaBatch>> cut_batch(const store::CommitLog& log, std::int64_t from, std::size_t batch_bytes) {
  log.commit_staged();  // the batch is read from the mapping, up to the write offset
  const std::int64_t write = log.write_offset().value;
  if (from == write) return std::optional<HaBatch>{};
  if (from < log.min_offset().value || from > write)
    return make_error(Errc::invalid_argument, fmt::format("offset {} is outside the master's log [{}, {}]", from,
                                                          log.min_offset().value, write));
  RINGMQ_TRY_ASSIGN(store::RecordSlice s, log.slice(store::PhysicalOffset{from}, 0));
  const std::uint8_t* base = s.segment->data();
  const auto seg_start = s.segment->start();
  const std::size_t end = static_cast<std::size_t>(std::min<std::int64_t>(write - seg_start, static_cast<std::int64_t>(s.segment->size())));
  std::size_t pos = s.position;
  HaBatch b;
  b.from = from;
  while (pos < end) {
    if (end - pos < store::kBlankMarkerBytes)
      return make_error(Errc::corrupt, fmt::format("master log at {}: {} bytes before the end", seg_start + pos, end - pos));
    const std::uint32_t total = load_be32(base + pos);
    const std::uint32_t magic = load_be32(base + pos + 4);
    if (magic == store::kBlankMagic) {
      pos += store::kBlankMarkerBytes;
      b.blank_tail = true;
      break;
    }
    if ((magic != store::kMagicV1 && magic != store::kMagicV2) || total < store::kBlankMarkerBytes || pos + total > end)
      return make_error(Errc::corrupt, fmt::format("master log at {}: no record there", seg_start + pos));
    if (pos > s.position && pos - s.position + total > batch_bytes) break;
    pos += total;
  }
  b.slice = store::RecordSlice{s.segment, s.position, static_cast<std::uint32_t>(pos - s.position)};
  b.next = b.blank_tail ? seg_start + static_cast<std::int64_t>(s.segment->size()) : from + (pos - s.position);
  return std::optional<HaBatch>{std::move(b)};
}

HaMaster::HaMaster(BrokerRuntime& rt) : rt_(rt) {
  for (unsigned i = 0; i < rt.core_count(); ++i) shards_.push_back(std::make_unique<Shard>());
}

HaMaster::~HaMaster() = default;

Status HaMaster::listen(reactor::Reactor& reactor, int listen_fd) {
  reactor0_ = &reactor;
  RINGMQ_TRY(reactor.listen(listen_fd, *this));
  RINGMQ_TRY(reactor.add_periodic_timer(kHousekeepingTickMs, [this] { housekeeping(); }));
  return {};
}

void HaMaster::stop() { peers_.clear(); }

void HaMaster::on_open(reactor::Connection& conn) {
  auto peer = std::make_unique<Peer>();
  peer->id = conn.id();
  peer->addr = conn.peer();
  peer->last_recv_ms = peer->last_send_ms = monotonic_ms();
  peers_[conn.id().value] = std::move(peer);
}

void HaMaster::on_close(reactor::Connection& conn, const Error& reason) {
  const auto it = peers_.find(conn.id().value);
  if (it == peers_.end()) return;
  if (it->second->hello) {
    log_info("HA: slave {} (shard {}) disconnected: {}", it->second->addr, it->second->shard, reason.to_string());
    const std::uint64_t key = it->first;
    const unsigned core = it->second->shard;
    rt_.post(core, [this, key, core] { forget_on_shard(rt_.core_state(core), key); });
  }
  peers_.erase(it);
}

void HaMaster::on_data(reactor::Connection& conn, Bytes data) {
  const auto it = peers_.find(conn.id().value);
  if (it == peers_.end()) return;
  Peer& peer = *it->second;
  peer.last_recv_ms = monotonic_ms();
  if (peer.refused) return;
  peer.reader.append(data);
  for (;;) {
    auto next = peer.reader.next();
    if (!next.ok()) {
      log_warn("HA: closing {}: {}", peer.addr, next.error().to_string());
      return conn.close(next.take_error());
    }
    if (!*next) return;
    handle_frame(peer, conn, (*next)->first, (*next)->second);
    if (!conn.is_open() || peer.refused) return;
  }
}

void HaMaster::handle_frame(Peer& peer, reactor::Connection& conn, const HaFrame& f, Bytes body) {
  (void)body;
  const std::uint64_t key = conn.id().value;
  if (f.kind == HaKind::hello && !peer.hello) {
    if (f.shard_count != rt_.core_count())
      return refuse(conn, fmt::format("shard count mismatch: master {} has {} shards, this slave {}; create the slave's "
                                      "store with the master's --cores",
                                      rt_.identity().broker_addr, rt_.core_count(), f.shard_count));
    if (f.shard >= rt_.core_count()) return refuse(conn, fmt::format("no shard {}", f.shard));
    peer.hello = true;
    peer.shard = f.shard;
    const unsigned core = f.shard;
    const std::int64_t offset = f.offset;
    rt_.post(core, [this, key, core, offset] { start_on_shard(rt_.core_state(core), key, offset); });
    return;
  }
  if (f.kind == HaKind::report && peer.hello) {
    // A slave cannot have more than it was sent: a wrong report must not confirm SYNC_MASTER sends.
    const std::int64_t offset = std::min(f.offset, peer.sent_end);
    if (!peer.started || offset <= peer.acked) return;
    peer.acked = offset;
    const unsigned core = peer.shard;
    rt_.post(core, [this, key, core, offset] { confirm_on_shard(rt_.core_state(core), key, offset); });
    return;
  }
  log_warn("HA: closing {}: unexpected frame kind {}", peer.addr, static_cast<int>(f.kind));
  conn.close(Error{Errc::invalid_argument, 0, "unexpected HA frame"});
}

void HaMaster::refuse(reactor::Connection& conn, const std::string& why) {
  const auto it = peers_.find(conn.id().value);
  if (it == peers_.end() || it->second->refused) return;
  log_warn("HA: refusing slave {}: {}", conn.peer(), why);
  it->second->refused = true;
  const std::string text = why.substr(0, kHaRefuseBytesMax);
  HaFrame f;
  f.kind = HaKind::refuse;
  f.shard_count = rt_.core_count();
  f.body_bytes = static_cast<std::uint32_t>(text.size());
  (void)conn.send(encode_ha_header(f) + text);
  // close() drops queued bytes: give the refusal a moment to leave first.
  const reactor::ConnectionId id = conn.id();
  reactor::Reactor* r = &conn.reactor();
  (void)r->add_timer(kRefuseCloseDelayMs, [r, id] {
    if (reactor::Connection* c = r->find(id)) c->close(Error{Errc::invalid_argument, 0, "refused"});
  });
}

void HaMaster::request_batch(Peer& peer) {
  if (peer.fetching || !peer.started || peer.refused) return;
  peer.fetching = true;
  const std::uint64_t key = peer.id.value;
  const unsigned core = peer.shard;
  const std::int64_t from = peer.sent_end;
  rt_.post(core, [this, key, core, from] { fetch_on_shard(rt_.core_state(core), key, from); });
}

void HaMaster::start_on_shard(CoreState& cs, std::uint64_t peer, std::int64_t offset) {
  const store::CommitLog& log = cs.shard->commit_log();
  const std::int64_t from = offset == kHaOffsetEmpty ? log.min_offset().value : offset;
  if (from < log.min_offset().value || from > log.write_offset().value) {
    std::string why = fmt::format("slave log ends at {}, outside the master's shard {} log [{}, {}]", from, cs.core,
                                  log.min_offset().value, log.write_offset().value);
    return rt_.run_on(0, [this, peer, why = std::move(why)] {
      if (auto it = peers_.find(peer); it != peers_.end())
        if (reactor::Connection* c = reactor0_->find(it->second->id)) refuse(*c, why);
    });
  }
  // An empty slave counts as having everything below the master's oldest byte: it is in sync
  // when the master's log is small, and it confirms no send (none ends at or below `from`).
  shards_[cs.core]->acks.update(peer, from);
  rt_.post(0, [this, peer, from, offset] {
    auto it = peers_.find(peer);
    if (it == peers_.end()) return;
    Peer& p = *it->second;
    log_info("HA: slave {} replicates shard {} from offset {}{}", p.addr, p.shard, from,
             offset == kHaOffsetEmpty ? " (an empty slave: the master's oldest segment)" : "");
    p.started = true;
    p.sent_end = from;
    p.acked = from;
    request_batch(p);
  });
}

void HaMaster::fetch_on_shard(CoreState& cs, std::uint64_t peer, std::int64_t from) {
  auto batch = cut_batch(cs.shard->commit_log(), from, kHaTransferBatchBytes);
  if (!batch.ok()) {
    std::string why = batch.error().to_string();
    return rt_.run_on(0, [this, peer, why = std::move(why)] {
      if (auto it = peers_.find(peer); it != peers_.end())
        if (reactor::Connection* c = reactor0_->find(it->second->id)) refuse(*c, why);
    });
  }
  if (!*batch) {
    shards_[cs.core]->parked.emplace_back(peer, from);
    return;
  }
  rt_.post(0, [this, peer, b = std::make_unique<HaBatch>(std::move(**batch))]() mutable { deliver(peer, std::move(b)); });
}

void HaMaster::on_appended(CoreState& cs) {
  Shard& shard = *shards_[cs.core];
  if (shard.parked.empty() || shard.serve_scheduled) return;
  shard.serve_scheduled = true;
  rt_.post(cs.core, [this, &cs] {
    shards_[cs.core]->serve_scheduled = false;
    serve_parked(cs);
  });
}

void HaMaster::serve_parked(CoreState& cs) {
  std::vector<std::pair<std::uint64_t, std::int64_t>> parked;
  parked.swap(shards_[cs.core]->parked);
  for (const auto& [peer, from] : parked) fetch_on_shard(cs, peer, from);
}

void HaMaster::deliver(std::uint64_t key, std::unique_ptr<HaBatch> batch) {
  const auto it = peers_.find(key);
  if (it == peers_.end()) return;
  Peer& peer = *it->second;
  reactor::Connection* conn = reactor0_->find(peer.id);
  if (conn == nullptr || !conn->is_open() || peer.refused) return;
  HaFrame f;
  f.kind = HaKind::data;
  f.shard = peer.shard;
  f.shard_count = rt_.core_count();
  f.body_bytes = batch->slice.size;
  f.offset = batch->from;
  f.flags = batch->blank_tail ? kHaFlagBlankTail : 0;
  Status st = conn->send(encode_ha_header(f));
  if (st.ok()) {
    st = conn->send_borrowed(batch->slice.bytes(), [this, key, pin = batch->slice.segment](const Status& sent) {
      if (!sent.ok()) return;
      const auto p = peers_.find(key);
      if (p == peers_.end()) return;
      p->second->fetching = false;
      request_batch(*p->second);
    });
  }
  if (!st.ok()) {
    log_warn("HA: closing {}: {}", peer.addr, st.error().to_string());
    return conn->close(st.take_error());
  }
  peer.sent_end = batch->next;
  peer.last_send_ms = monotonic_ms();
}

void HaMaster::housekeeping() {
  const std::int64_t now = monotonic_ms();
  if (now >= lag_check_due_ms_ && !peers_.empty()) {
    lag_check_due_ms_ = now + kHaLagCheckMs;
    for (unsigned core = 0; core < rt_.core_count(); ++core)
      rt_.post(core, [this, core] { check_lag(rt_.core_state(core)); });
  }
  for (auto& [key, peer] : peers_) {
    reactor::Connection* conn = reactor0_->find(peer->id);
    if (conn == nullptr || !conn->is_open()) continue;
    if (now - peer->last_recv_ms > kHaHousekeepingMs) {
      log_warn("HA: closing {}: silent for {} ms", peer->addr, now - peer->last_recv_ms);
      conn->close(Error{Errc::timeout, 0, "HA connection silent"});
      continue;
    }
    if (peer->started && now - peer->last_send_ms >= kHaHeartbeatIntervalMs) {
      HaFrame f;
      f.kind = HaKind::heartbeat;
      f.shard = peer->shard;
      f.shard_count = rt_.core_count();
      f.offset = peer->sent_end;
      (void)conn->send(encode_ha_header(f));
      peer->last_send_ms = now;
    }
  }
}

void HaMaster::confirm_on_shard(CoreState& cs, std::uint64_t peer, std::int64_t offset) {
  Shard& shard = *shards_[cs.core];
  shard.acks.update(peer, offset);
  shard.waiters.release_through(shard.acks.max_acked(),
                                [this](std::unique_ptr<SendJob> job) { reply_stored(rt_, *job, rc::kSuccess); });
}

void HaMaster::forget_on_shard(CoreState& cs, std::uint64_t peer) {
  Shard& shard = *shards_[cs.core];
  shard.acks.forget(peer);
  std::erase_if(shard.parked, [peer](const auto& p) { return p.first == peer; });
}

void HaMaster::wait_replica(CoreState& cs, std::unique_ptr<SendJob> job) {
  Shard& shard = *shards_[cs.core];
  const store::CommitLog& log = cs.shard->commit_log();
  const std::int64_t end = job->results.back().end().value;
  if (!shard.acks.any_in_sync(log.write_offset().value, rt_.config().ha_slave_fallbehind_max))
    return reply_stored(rt_, *job, rc::kSlaveNotAvailable);
  if (shard.acks.max_acked() >= end) return reply_stored(rt_, *job, rc::kSuccess);
  if (shard.waiters.full()) return reply_stored(rt_, *job, rc::kFlushSlaveTimeout);
  shard.waiters.push(end, monotonic_ms() + rt_.config().sync_flush_timeout_ms, std::move(job));
  arm_deadline(cs);
}

void HaMaster::arm_deadline(CoreState& cs) {
  Shard& shard = *shards_[cs.core];
  if (shard.deadline_armed || shard.waiters.empty()) return;
  const std::int64_t delay = std::max<std::int64_t>(1, shard.waiters.oldest_deadline_ms() - monotonic_ms());
  auto timer = reactor::Reactor::current()->add_timer(delay, [this, &cs] {
    shards_[cs.core]->deadline_armed = false;
    answer_late(cs);
  });
  shard.deadline_armed = timer.ok();
}

void HaMaster::answer_late(CoreState& cs) {
  Shard& shard = *shards_[cs.core];
  shard.waiters.release_late(monotonic_ms(),
                             [this](std::unique_ptr<SendJob> job) { reply_stored(rt_, *job, rc::kFlushSlaveTimeout); });
  arm_deadline(cs);
}

void HaMaster::check_lag(CoreState& cs) {
  const ShardReplicaInfo i = info(cs);
  if (i.slaves > 0 && i.fallbehind_bytes > kHaLagLogBytes)
    log_warn("HA: shard {}: the best of {} slave(s) is {} bytes behind (in sync: {})", cs.core, i.slaves,
             i.fallbehind_bytes, i.in_sync ? "yes" : "no");
}

ShardReplicaInfo HaMaster::info(CoreState& cs) const {
  const Shard& shard = *shards_[cs.core];
  const store::CommitLog& log = cs.shard->commit_log();
  return ShardReplicaInfo{shard.acks.slaves(), shard.acks.fallbehind(log.write_offset().value, log.min_offset().value),
                          shard.acks.any_in_sync(log.write_offset().value, rt_.config().ha_slave_fallbehind_max)};
}

void HaMaster::drop_waiters(CoreState& cs) { shards_[cs.core]->waiters.clear(); }

}  // namespace ringmq::broker::ha
