#include "broker/ha/ha_slave.h"

#include <fmt/format.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/log_limiter.h"
#include "broker/broker_runtime.h"
#include "broker/longpolling/pull_request_hold_service.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker::ha {

namespace {
// How often the slave's timer looks at its connection (reconnects, periodic reports, silence).
constexpr std::int64_t kSlaveTickMs = 200;
// After a refusal (shard count mismatch, offsets outside the master's log) the slave waits this
// long before it tries again: the cause needs an operator.
constexpr std::int64_t kRefusedRetryMs = 10'000;

std::size_t body_limit(const BrokerConfig& c) {
  return c.max_message_bytes + store::kRecordOverheadBytesMax + kHaTransferBatchBytes;
}
}  // namespace

HaSlave::HaSlave(BrokerRuntime& rt, CoreState& cs) : rt_(rt), cs_(cs), reader_(body_limit(rt.config())) {}

HaSlave::~HaSlave() = default;

void HaSlave::start(reactor::Reactor& reactor) {
  reactor_ = &reactor;
  (void)reactor.add_periodic_timer(kSlaveTickMs, [this] { tick(); });
}

void HaSlave::set_master(const std::string& address) {
  if (address == master_) return;
  log_info("HA: shard {} replicates from master {}", cs_.core, address);
  master_ = address;
  if (reactor_ != nullptr && connection_.valid())
    if (reactor::Connection* c = reactor_->find(connection_)) c->close(Error{Errc::closed, 0, "master address changed"});
  next_connect_ms_ = 0;
  tick();
}

void HaSlave::tick() {
  if (stopped_ || reactor_ == nullptr) return;
  const std::int64_t now = monotonic_ms();
  if (!connection_.valid()) {
    if (!connecting_ && !master_.empty() && now >= next_connect_ms_) connect();
    return;
  }
  reactor::Connection* conn = reactor_->find(connection_);
  if (conn == nullptr || !conn->is_open()) return;
  if (now - last_recv_ms_ > kHaHousekeepingMs) {
    log_warn("HA: shard {}: master {} silent for {} ms; reconnecting", cs_.core, master_, now - last_recv_ms_);
    return conn->close(Error{Errc::timeout, 0, "HA master silent"});
  }
  if (now - last_report_ms_ >= kHaHeartbeatIntervalMs) report(*conn);
}

void HaSlave::connect() {
  auto address = reactor::resolve_host_port(master_);
  next_connect_ms_ = monotonic_ms() + kHaReconnectMs;
  if (!address.ok()) {
    static LogLimiter limiter;
    RINGMQ_LOG_LIMITED(limiter, log_warn, "HA: master address '{}': {}", master_, address.error().to_string());
    return;
  }
  connecting_ = true;
  const Status st = reactor_->connect(*address, *this, [this](Result<reactor::ConnectionId> r) {
    connecting_ = false;
    if (!r.ok()) {
      static LogLimiter limiter;
      RINGMQ_LOG_LIMITED(limiter, log_warn, "HA: shard {}: cannot connect to master {}: {}", cs_.core, master_,
                         r.error().to_string());
    }
  });
  if (!st.ok()) connecting_ = false;
}

void HaSlave::on_open(reactor::Connection& conn) {
  connection_ = conn.id();
  reader_ = HaFrameReader(body_limit(rt_.config()));
  last_recv_ms_ = monotonic_ms();
  const store::CommitLog& log = cs_.shard->commit_log();
  HaFrame hello;
  hello.kind = HaKind::hello;
  hello.shard = static_cast<std::uint16_t>(cs_.core);
  hello.shard_count = rt_.core_count();
  hello.offset = log.segment_count() == 0 ? kHaOffsetEmpty : log.write_offset().value;
  (void)conn.send(encode_ha_header(hello));
  last_report_ms_ = monotonic_ms();
  reported_ = hello.offset;
  log_info("HA: shard {} connected to master {}, asking from {}", cs_.core, master_, hello.offset);
}

void HaSlave::on_close(reactor::Connection& conn, const Error& reason) {
  if (conn.id() == connection_) connection_ = {};
  if (!stopped_) log_info("HA: shard {}: connection to master {} closed: {}", cs_.core, master_, reason.to_string());
}

void HaSlave::on_data(reactor::Connection& conn, Bytes data) {
  last_recv_ms_ = monotonic_ms();
  reader_.append(data);
  bool progressed = false;
  for (;;) {
    auto next = reader_.next();
    if (!next.ok()) {
      log_warn("HA: shard {}: closing the connection to {}: {}", cs_.core, master_, next.error().to_string());
      return conn.close(next.take_error());
    }
    if (!*next) break;
    const auto& [f, body] = **next;
    if (f.kind == HaKind::refuse) {
      log_error("HA: shard {}: master {} refused replication: {}", cs_.core, master_, as_string_view(body));
      next_connect_ms_ = monotonic_ms() + kRefusedRetryMs;
      return conn.close(Error{Errc::invalid_argument, 0, "refused by the master"});
    }
    if (f.kind == HaKind::heartbeat) {
      master_offset_ = std::max(master_offset_, f.offset);
      continue;
    }
    if (f.kind != HaKind::data || f.shard != cs_.core) {
      log_warn("HA: shard {}: closing the connection to {}: unexpected frame kind {} for shard {}", cs_.core, master_,
               static_cast<int>(f.kind), f.shard);
      return conn.close(Error{Errc::invalid_argument, 0, "unexpected HA frame"});
    }
    if (!apply(conn, f, body)) return;
    progressed = true;
  }
  // One report for everything this read brought: at once after progress.
  if (progressed) report(conn);
}

bool HaSlave::apply(reactor::Connection& conn, const HaFrame& f, Bytes body) {
  auto records = cs_.shard->append_replicated(store::PhysicalOffset{f.offset}, body);
  if (!records.ok()) {
    static LogLimiter limiter;  // a full disk fails every attempt
    RINGMQ_LOG_LIMITED(limiter, log_error, "HA: shard {}: replicated bytes from {} not applied: {}; reconnecting",
                       cs_.core, master_, records.error().to_string());
    conn.close(records.take_error());
    return false;
  }
  const store::PhysicalOffset end = cs_.shard->commit_log().write_offset();
  if ((f.flags & kHaFlagBlankTail) == 0 && end.value != f.offset + static_cast<std::int64_t>(body.size())) {
    log_error("HA: shard {}: log end {} after bytes for [{}, +{})", cs_.core, end.value, f.offset, body.size());
  }
  master_offset_ = std::max(master_offset_, end.value);
  if (cs_.holds) {
    for (const store::RecordView& r : *records) {
      if (r.topic == remoting::system_topic::kSchedule) continue;  // the slave delivers no delays
      cs_.holds->notify_arrival(r.topic, r.queue_id.value, store::tag_hash_of(r.properties));
    }
  }
  return true;
}

void HaSlave::report(reactor::Connection& conn) {
  HaFrame f;
  f.kind = HaKind::report;
  f.shard = static_cast<std::uint16_t>(cs_.core);
  f.shard_count = rt_.core_count();
  f.offset = cs_.shard->commit_log().write_offset().value;
  if (f.offset < 0) return;
  (void)conn.send(encode_ha_header(f));
  reported_ = f.offset;
  last_report_ms_ = monotonic_ms();
}

}  // namespace ringmq::broker::ha
