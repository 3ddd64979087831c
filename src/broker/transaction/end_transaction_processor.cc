#include "broker/transaction/end_transaction_processor.h"

#include <memory>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker_runtime.h"
#include "broker/append/inner_message.h"
#include "broker/append/message_append_service.h"
#include "broker/queue_shard.h"
#include "broker/transaction/transactional_message_bridge.h"
#include "broker/transaction/transactional_message_util.h"
#include "remoting/message_const.h"
#include "remoting/message_properties.h"
#include "remoting/message_sysflag.h"
#include "remoting/response_code.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker {
namespace {

namespace rc = remoting::response_code;
namespace sysflag = remoting::message_sysflag;
namespace prop = remoting::property;

// EndTransactionRequestHeader.
struct EndTransaction {
  explicit EndTransaction(const RequestContext& c) : ctx(c) {}
  RequestContext ctx;
  std::string producer_group;
  std::int64_t tran_state_table_offset = 0;
  std::int64_t commit_log_offset = 0;
  std::int32_t commit_or_rollback = 0;
  bool from_check = false;
  std::string msg_id;
  std::int64_t half_queue_offset = 0;  // of the half message found
};
using EndPtr = std::shared_ptr<EndTransaction>;

void reply(const EndPtr& job, std::int32_t code, std::string remark = {}) {
  job->ctx.rt.reply(job->ctx.target, job->ctx.ref, make_response(job->ctx.ref, code, std::move(remark)));
}

// Java returns null for a pending decision: no response. A non-oneway request's parked context is
// dropped on its home core.
void answer_nothing(const RequestContext& ctx) {
  if (ctx.target.token == 0) return;
  ctx.rt.run_on(ctx.target.core, [ctx] { (void)ctx.rt.take_reply(ctx.target); });
}

// Appends the "d" op message for the decided half message, then answers `code`.
void write_decision(const EndPtr& job) {
  BrokerRuntime& rt = job->ctx.rt;
  const unsigned owner =
      shard_of_queue(remoting::system_topic::kTransOpHalf, transaction::kHalfQueueId, rt.core_count()).value;
  rt.run_on(owner, [job, owner] {
    BrokerRuntime& rt = job->ctx.rt;
    auto op = transaction::op_message_of(job->half_queue_offset, rt.store_host(), wall_clock_ms());
    auto put = rt.core_state(owner).append->put(op);
    // RocketMQ ignores this result too: without the op message the check asks the producer again.
    if (!put.ok()) log_warn("transaction op message for half offset {} failed: {}", job->half_queue_offset,
                            put.error().to_string());
    reply(job, rc::kSuccess);
  });
}

void store_commit(const EndPtr& job, std::shared_ptr<InnerMessage> msg) {
  BrokerRuntime& rt = job->ctx.rt;
  apply_delay_rewrite(rt.delay_levels(), msg->topic, msg->queue_id, msg->properties, msg->sys_flag);
  const unsigned owner = shard_of_queue(msg->topic, msg->queue_id, rt.core_count()).value;
  rt.run_on(owner, [job, msg, owner] {
    BrokerRuntime& rt = job->ctx.rt;
    auto put = rt.core_state(owner).append->put(*msg);
    if (!put.ok()) {
      log_warn("committing transaction {} to {}:{} failed: {}", job->msg_id, msg->topic, msg->queue_id,
               put.error().to_string());
      return reply(job, wire_code_of(put.error().code), put.error().to_string());
    }
    write_decision(job);
  });
}

// checkPrepareMessage, on the half message's core; the response code and remark refusing it.
WireError check_prepared(const EndTransaction& job, const store::RecordView& r) {
  auto group = remoting::find_property(r.properties, prop::kProducerGroup);
  if (!group || *group != job.producer_group) return {rc::kSystemError, "The producer group wrong"};
  if (r.queue_offset.value != job.tran_state_table_offset) {
    return {rc::kSystemError, "The transaction state table offset wrong"};
  }
  if (r.physical_offset.value != job.commit_log_offset) return {rc::kSystemError, "The commit log offset wrong"};
  return {};
}

void on_half_core(const EndPtr& job, unsigned shard) {
  BrokerRuntime& rt = job->ctx.rt;
  auto slice = rt.core_state(shard).shard->message_at(store::PhysicalOffset{job->commit_log_offset});
  if (!slice.ok()) return reply(job, rc::kSystemError, "Find prepared transaction message failed");
  const auto parsed = store::parse_record(slice->bytes(), false);
  // Only a half message can be decided: any other record is not a prepared transaction.
  if (parsed.status != store::ParseStatus::record || parsed.record.topic != remoting::system_topic::kTransHalf) {
    return reply(job, rc::kSystemError, "Find prepared transaction message failed");
  }
  const store::RecordView& r = parsed.record;
  if (WireError c = check_prepared(*job, r); !c.ok()) return reply(job, c.code, std::move(c.remark));
  job->half_queue_offset = r.queue_offset.value;
  if (job->commit_or_rollback == sysflag::kTransactionRollbackType) return write_decision(job);
  auto msg = transaction::commit_message_of(r, rt.store_host());
  if (!msg.ok()) return reply(job, rc::kSystemError, msg.error().to_string());
  store_commit(job, std::make_shared<InnerMessage>(std::move(msg).value()));
}

}  // namespace

bool divert_prepared_send(std::string& topic, std::int32_t& queue_id, std::string& properties, std::int32_t& sys_flag) {
  if (!transaction::is_transaction_prepared(properties)) return false;
  transaction::divert_to_half(topic, queue_id, properties, sys_flag);
  return true;
}

void process_end_transaction(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto job = std::make_shared<EndTransaction>(ctx);
  const auto& ext = request.ext_fields;
  auto group = ext.get_string("producerGroup");
  auto table_offset = ext.get_int64("tranStateTableOffset");
  auto log_offset = ext.get_int64("commitLogOffset");
  auto decision = ext.get_int32("commitOrRollback");
  if (!group.ok() || !table_offset.ok() || !log_offset.ok() || !decision.ok()) {
    const Error& e = !group.ok() ? group.error() : !table_offset.ok() ? table_offset.error()
                     : !log_offset.ok() ? log_offset.error() : decision.error();
    return reply(job, rc::kSystemError, e.to_string());
  }
  job->producer_group = std::string(*group);
  job->tran_state_table_offset = *table_offset;
  job->commit_log_offset = *log_offset;
  job->commit_or_rollback = *decision;
  job->from_check = ext.get_bool_or("fromTransactionCheck", false);
  job->msg_id = std::string(ext.get("msgId").value_or(""));
  const std::int32_t d = job->commit_or_rollback;
  if (d != sysflag::kTransactionNotType && d != sysflag::kTransactionCommitType && d != sysflag::kTransactionRollbackType) {
    // The text of the exception Java's header check throws, as a Java client shows it.
    return reply(job, rc::kSystemError,
                 "org.apache.rocketmq.remoting.exception.RemotingCommandException: commitOrRollback field wrong, "
                 "org.apache.rocketmq.common.protocol.header.EndTransactionRequestHeader.checkFields("
                 "EndTransactionRequestHeader.java:60)");
  }
  if (ctx.rt.config().role == BrokerRole::slave) {
    log_warn("Message store is slave mode, so end transaction is forbidden.");
    return reply(job, rc::kSlaveNotAvailable);
  }
  const char* source = job->from_check ? "answering a check" : "after sending";
  if (d == sysflag::kTransactionNotType) {
    log_warn("producer group {} {}: transaction {} is still pending", job->producer_group, source, job->msg_id);
    return answer_nothing(ctx);
  }
  // Java logs rollbacks and answers to checks at warn; a commit after sending is the common case.
  if (job->from_check || d == sysflag::kTransactionRollbackType) {
    log_info("producer group {} {}: {} transaction {}", job->producer_group, source,
             d == sysflag::kTransactionCommitType ? "commit" : "rollback", job->msg_id);
  }
  const unsigned shard = store::shard_of(store::PhysicalOffset{job->commit_log_offset}).value;
  if (job->commit_log_offset < 0 || shard >= ctx.rt.core_count()) {
    return reply(job, rc::kSystemError, "Find prepared transaction message failed");
  }
  ctx.rt.run_on(shard, [job, shard] { on_half_core(job, shard); });
}

}  // namespace ringmq::broker
