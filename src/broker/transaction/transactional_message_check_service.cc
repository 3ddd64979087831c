#include "broker/transaction/transactional_message_check_service.h"

#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/log_limiter.h"
#include "broker/broker_runtime.h"
#include "broker/client/client_manager.h"
#include "broker/offset/consumer_offset_manager.h"
#include "broker/append/inner_message.h"
#include "broker/append/message_append_service.h"
#include "broker/queue_shard.h"
#include "broker/transaction/transaction_check_plan.h"
#include "broker/transaction/transactional_message_bridge.h"
#include "broker/transaction/transactional_message_util.h"
#include "remoting/message_const.h"
#include "remoting/message_properties.h"
#include "remoting/request_code.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker {

namespace tx = transaction;
namespace topics = remoting::system_topic;

struct TransactionalMessageCheckService::Round {
  TransactionalMessageCheckService* service = nullptr;
  std::shared_ptr<bool> alive;
  std::int64_t start_ms = 0;
  std::int64_t half_offset = -1;  // -1: the group has none yet (start at the queue's minimum)
  std::int64_t op_offset = -1;
  std::int64_t committed_half = -1;
  std::int64_t committed_op = -1;
  bool half_used = false;  // the half queue holds messages: its topics should exist
  std::vector<tx::OpEntry> ops;
  tx::CheckPlan plan;
  std::vector<tx::CheckRequest> checks;
  std::vector<InnerMessage> discards;
};

namespace {

using Round = TransactionalMessageCheckService::Round;
constexpr std::int32_t kSystemTopicPerm = perm::kRead | perm::kWrite;

unsigned owner_of(std::string_view topic, std::int32_t queue, const BrokerRuntime& rt) {
  return shard_of_queue(topic, queue, rt.core_count()).value;
}

// A read from `from` that starts where the queue's data really is (RocketMQ getMessage's
// nextBeginOffset correction for an offset below the minimum or past a deleted range).
store::GetResult read_queue(store::ShardStore& shard, std::string_view topic, std::int64_t& from, std::size_t max) {
  if (from < 0) from = shard.min_offset(topic, store::QueueId{tx::kHalfQueueId}).value;
  auto got = shard.get_messages(topic, store::QueueId{tx::kHalfQueueId}, store::QueueOffset{from}, max, SIZE_MAX, {});
  if (got.status == store::GetStatus::offset_too_small || got.status == store::GetStatus::offset_overflow_badly ||
      got.status == store::GetStatus::offset_found_null) {
    log_warn("transaction check: {} offset {} corrected to {}", topic, from, got.next_begin_offset.value);
    from = got.next_begin_offset.value;
    got = shard.get_messages(topic, store::QueueId{tx::kHalfQueueId}, store::QueueOffset{from}, max, SIZE_MAX, {});
  }
  return got;
}

// On the op queue's core: every op entry from the round's op offset on (bounded).
void read_ops(CoreState& cs, Round& round) {
  std::int64_t from = round.op_offset;
  bool first = true;
  while (round.ops.size() < tx::kOpEntriesPerCheckMax) {
    auto got = read_queue(*cs.shard, topics::kTransOpHalf, from, tx::kOpReadBatch);
    if (first) round.op_offset = from;  // where the entries start, after any correction
    first = false;
    if (got.messages.empty()) break;
    for (const store::MessageRange& m : got.messages) {
      auto parsed = store::parse_record(got.bytes(m), false);
      tx::OpEntry op;
      op.op_offset = m.queue_offset.value;
      auto body = parsed.status == store::ParseStatus::record
                      ? tx::parse_op_body(std::string_view(reinterpret_cast<const char*>(parsed.record.body.data()),
                                                           parsed.record.body.size()))
                      : std::nullopt;
      auto tag = remoting::find_property(parsed.record.properties, remoting::property::kTags);
      op.remove = body.has_value() && tag == std::optional<std::string_view>(tx::kRemoveTag);
      if (!op.remove) log_error("transaction check: op message at {} is not a removal; passed over", op.op_offset);
      op.half_offset = body.value_or(-1);
      round.ops.push_back(op);
    }
    from = got.next_begin_offset.value;
  }
}

// Re-puts `m` at the end of the half queue (this core owns it).
Result<store::AppendResult> reput(BrokerRuntime& rt, CoreState& cs, InnerMessage m) {
  m.store_host = rt.store_host();
  return cs.append->put(m);
}

// Carries out one planned action; false if the half queue refused an append (the round stops
// there and the next one starts from this message).
bool act(BrokerRuntime& rt, CoreState& cs, Round& round, const store::RecordView& r, tx::HalfAction action,
         std::int32_t check_times) {
  switch (action) {
    case tx::HalfAction::decided:
    case tx::HalfAction::passed_over: return true;
    case tx::HalfAction::discard:
      log_error("transaction check: half message {} (queue offset {}) was checked {} times or is too old; "
                "moved to {}", remoting::find_property(r.properties, remoting::property::kUniqClientMessageIdKeyidx)
                                   .value_or(""), r.queue_offset.value, check_times, topics::kTransCheckMaxTime);
      round.discards.push_back(tx::discarded_message_of(r));
      return true;
    case tx::HalfAction::reput_immunity: return reput(rt, cs, tx::renewed_for_immunity(r)).ok();
    case tx::HalfAction::check: {
      InnerMessage m = tx::renewed_for_check(r, check_times);
      auto appended = reput(rt, cs, m);
      if (!appended.ok()) return false;
      auto request = tx::check_request_of(m, *appended);
      if (request.ok()) {
        round.checks.push_back(std::move(request).value());
      } else {
        log_error("transaction check: half message at {}: {}", r.queue_offset.value, request.error().to_string());
      }
      return true;
    }
  }
  return true;
}

// On the half queue's core: read, plan, re-put.
void scan_halves(BrokerRuntime& rt, CoreState& cs, Round& round) {
  const auto& config = rt.config();
  std::int64_t from = round.half_offset;
  auto got = read_queue(*cs.shard, topics::kTransHalf, from, tx::kHalfMessagesPerCheckMax);
  round.half_offset = from;
  round.half_used = cs.shard->max_offset(topics::kTransHalf, store::QueueId{tx::kHalfQueueId}).value > 0;
  std::vector<store::ParseResult> records;
  std::vector<tx::HalfInfo> infos;
  for (const store::MessageRange& m : got.messages) {
    records.push_back(store::parse_record(got.bytes(m), false));
    tx::HalfInfo info;
    if (records.back().status == store::ParseStatus::record) {
      info = tx::half_info_of(records.back().record, config.transaction_timeout_ms);
    } else {
      info.readable = false;
    }
    info.queue_offset = m.queue_offset.value;
    infos.push_back(info);
  }
  tx::CheckParams params;
  params.now_ms = wall_clock_ms();
  params.start_ms = round.start_ms;
  params.transaction_timeout_ms = config.transaction_timeout_ms;
  params.check_max = config.transaction_check_max;
  params.file_reserved_ms = static_cast<std::int64_t>(config.retention_hours) * 3600 * 1000;
  round.plan = tx::plan_check(round.half_offset, round.op_offset, round.ops, infos, params);
  for (const tx::PlannedHalf& p : round.plan.actions) {
    if (!act(rt, cs, round, records[p.index].record, p.action, infos[p.index].check_times)) {
      static LogLimiter limiter;
      RINGMQ_LOG_LIMITED(limiter, log_warn, "transaction check: re-put of half message {} failed; retried next round",
                         infos[p.index].queue_offset);
      // Neither offset moves past what is still to do: the decisions read this round are read again.
      round.plan.half_offset = infos[p.index].queue_offset;
      round.plan.op_offset = round.op_offset;
      break;
    }
  }
}

// Core 0: CHECK_TRANSACTION_STATE to one live connection of the group (Broker2Client
// #checkProducerTransactionState), sent from the connection's core.
void send_check(BrokerRuntime& rt, tx::CheckRequest check) {
  const auto* channels = rt.client_manager().producers.find(check.producer_group);
  if (channels == nullptr || channels->empty()) {
    log_warn("Check transaction failed, channel is null. groupId={}; asked again next round", check.producer_group);
    return;
  }
  auto it = channels->begin();
  std::advance(it, rt.core_state(0).random() % channels->size());
  const ChannelKey key = it->first;
  rt.run_on(key.core, [&rt, key, c = std::move(check)]() mutable {
    auto request = remoting::RemotingCommand::request(remoting::request_code::kCheckTransactionState);
    request.has_ext_fields = true;
    request.ext_fields.set_int("tranStateTableOffset", c.tran_state_table_offset);
    request.ext_fields.set_int("commitLogOffset", c.commit_log_offset);
    request.ext_fields.set("msgId", c.msg_id);
    request.ext_fields.set("transactionId", c.msg_id);
    request.ext_fields.set("offsetMsgId", c.offset_msg_id);
    request.body = std::move(c.body);
    CoreState& cs = rt.core_state(key.core);
    if (!cs.server) return;
    if (auto st = cs.server->invoke_oneway(reactor::ConnectionId{key.connection}, std::move(request)); !st.ok()) {
      log_warn("CHECK_TRANSACTION_STATE to {} failed: {}", c.producer_group, st.error().to_string());
    }
  });
}

// Core 0: the system topics RocketMQ creates on first use (one queue, read + write).
void ensure_topic(BrokerRuntime& rt, std::string_view topic) {
  bool changed = false;
  auto created = rt.topic_config_manager().create_topic_with_queues(std::string(topic), 1, kSystemTopicPerm, changed);
  if (!created.ok()) log_warn("creating {} failed: {}", topic, created.error().to_string());
  if (changed) rt.publish_topics(true);
}

void store_discards(BrokerRuntime& rt, std::vector<InnerMessage> discards) {
  if (discards.empty()) return;
  ensure_topic(rt, topics::kTransCheckMaxTime);
  const unsigned owner = owner_of(topics::kTransCheckMaxTime, tx::kCheckMaxTimeQueueId, rt);
  rt.run_on(owner, [&rt, owner, d = std::move(discards)] {
    for (InnerMessage m : d) {
      m.store_host = rt.store_host();
      if (auto put = rt.core_state(owner).append->put(m); !put.ok()) {
        log_error("storing a discarded half message in {} failed: {}", topics::kTransCheckMaxTime,
                  put.error().to_string());
      }
    }
  });
}

}  // namespace

TransactionalMessageCheckService::~TransactionalMessageCheckService() {
  *alive_ = false;
  reactor::Reactor* r = reactor::Reactor::current();
  if (r != nullptr && timer_.valid()) r->cancel_timer(timer_);
}

void TransactionalMessageCheckService::start() {
  auto timer = reactor::Reactor::current()->add_periodic_timer(rt_.config().transaction_check_interval_ms,
                                                               [this] { check(); });
  if (timer.ok()) timer_ = *timer;
  else log_error("transaction check timer: {}", timer.error().to_string());
}

void TransactionalMessageCheckService::check() {
  if (in_flight_) return;
  in_flight_ = true;
  auto round = std::make_shared<Round>();
  round->service = this;
  round->alive = alive_;
  round->start_ms = wall_clock_ms();
  auto& offsets = rt_.offsets();
  round->half_offset = offsets.query(tx::kCheckGroup, topics::kTransHalf, tx::kHalfQueueId).value_or(-1);
  round->op_offset = offsets.query(tx::kCheckGroup, topics::kTransOpHalf, tx::kHalfQueueId).value_or(-1);
  round->committed_half = round->half_offset;
  round->committed_op = round->op_offset;
  BrokerRuntime& rt = rt_;
  const unsigned op_core = owner_of(topics::kTransOpHalf, tx::kHalfQueueId, rt);
  const unsigned half_core = owner_of(topics::kTransHalf, tx::kHalfQueueId, rt);
  rt.run_on(op_core, [&rt, round, op_core, half_core] {
    read_ops(rt.core_state(op_core), *round);
    rt.run_on(half_core, [&rt, round, half_core] {
      scan_halves(rt, rt.core_state(half_core), *round);
      rt.run_on(0, [round] {
        if (*round->alive) round->service->finish(round);
      });
    });
  });
}

void TransactionalMessageCheckService::finish(std::shared_ptr<Round> round) {
  in_flight_ = false;
  // A broker that never saw a transaction keeps no CID_SYS_RMQ_TRANS offsets and no half topics.
  if (!round->half_used && round->ops.empty()) return;
  ensure_topic(rt_, topics::kTransHalf);
  ensure_topic(rt_, topics::kTransOpHalf);
  auto& offsets = rt_.offsets();
  if (round->plan.half_offset >= 0 && round->plan.half_offset != round->committed_half) {
    (void)offsets.commit(tx::kCheckGroup, topics::kTransHalf, tx::kHalfQueueId, round->plan.half_offset);
  }
  if (round->plan.op_offset >= 0 && round->plan.op_offset != round->committed_op) {
    (void)offsets.commit(tx::kCheckGroup, topics::kTransOpHalf, tx::kHalfQueueId, round->plan.op_offset);
  }
  store_discards(rt_, std::move(round->discards));
  for (tx::CheckRequest& c : round->checks) send_check(rt_, std::move(c));
}

}  // namespace ringmq::broker
