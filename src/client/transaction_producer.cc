#include "client/transaction_producer.h"

#include <fmt/format.h>

#include "base/log.h"
#include "client/message_codec.h"
#include "remoting/message_const.h"
#include "remoting/message_id.h"
#include "remoting/message_sysflag.h"
#include "remoting/request_code.h"

namespace ringmq::client {

namespace prop = remoting::property;
namespace sysflag = remoting::message_sysflag;

const char* local_transaction_state_name(LocalTransactionState state) {
  switch (state) {
    case LocalTransactionState::commit_message: return "COMMIT_MESSAGE";
    case LocalTransactionState::rollback_message: return "ROLLBACK_MESSAGE";
    case LocalTransactionState::unknown: return "UNKNOW";  // sic, as Java spells it
  }
  return "UNKNOW";
}

remoting::RemotingCommand build_end_transaction_request(const EndTransactionFields& f, remoting::SerializeType type) {
  auto request = remoting::RemotingCommand::request(remoting::request_code::kEndTransaction, type);
  request.has_ext_fields = true;
  auto& ext = request.ext_fields;
  ext.set("producerGroup", f.producer_group);
  ext.set_int("tranStateTableOffset", f.tran_state_table_offset);
  ext.set_int("commitLogOffset", f.commit_log_offset);
  std::int32_t decision = sysflag::kTransactionNotType;
  if (f.state == LocalTransactionState::commit_message) decision = sysflag::kTransactionCommitType;
  if (f.state == LocalTransactionState::rollback_message) decision = sysflag::kTransactionRollbackType;
  ext.set_int("commitOrRollback", decision);
  ext.set_bool("fromTransactionCheck", f.from_transaction_check);
  ext.set("msgId", f.msg_id);
  if (!f.transaction_id.empty()) ext.set("transactionId", f.transaction_id);
  return request;
}

TransactionProducer::TransactionProducer(ProducerConfig config, std::shared_ptr<TransactionListener> listener)
    : producer_(std::move(config)), listener_(std::move(listener)) {}

TransactionProducer::~TransactionProducer() { shutdown(); }

Status TransactionProducer::start() {
  if (!listener_) return make_error(Errc::invalid_argument, "TransactionListener is null");
  RINGMQ_TRY(producer_.start());
  return producer_.instance().register_request_handler(
      remoting::request_code::kCheckTransactionState,
      [this](const remoting::RemotingCommand& request) { on_check_request(request); });
}

void TransactionProducer::shutdown() { producer_.shutdown(); }

Status TransactionProducer::end_transaction(const std::string& broker_address,
                                            const remoting::RemotingCommand& request) {
  return producer_.instance().invoke_oneway(broker_address, request);
}

// The broker asks a producer group's connections, which it learns from heartbeats: a broker new to
// this producer gets one now rather than at the next 30 s beat (the one at start reached no broker
// when no route was known yet).
void TransactionProducer::heartbeat_if_new(const std::string& broker_address) {
  {
    std::lock_guard lock(mutex_);
    if (!heartbeat_brokers_.insert(broker_address).second) return;
  }
  ClientInstance* instance = &producer_.instance();
  (void)instance->execute([instance] { (void)instance->send_heartbeat_to_all_brokers(); });
}

Result<TransactionSendResult> TransactionProducer::send_message_in_transaction(Message msg, void* arg) {
  if (!listener_) return make_error(Errc::invalid_argument, "TransactionListener is null");
  // A delay level would deliver the message before the decision: Java drops it.
  msg.clear_property(prop::kDelayTimeLevel);
  msg.set_property(prop::kTransactionPrepared, "true");
  msg.set_property(prop::kProducerGroup, producer_.config().group);
  const std::string topic = msg.topic();
  RINGMQ_TRY_ASSIGN(SendResult sent, producer_.send(msg));
  TransactionSendResult result;
  static_cast<SendResult&>(result) = sent;
  LocalTransactionState state = LocalTransactionState::rollback_message;
  if (sent.send_status == SendStatus::send_ok) {
    if (!sent.transaction_id.empty()) msg.set_property(prop::kTransactionId, sent.transaction_id);
    state = listener_->execute_local_transaction(msg, arg);
    if (state != LocalTransactionState::commit_message) {
      log_info("executeLocalTransactionBranch return {} for message {}", local_transaction_state_name(state), sent.msg_id);
    }
  }
  result.local_transaction_state = state;
  EndTransactionFields f;
  f.producer_group = producer_.config().group;
  f.tran_state_table_offset = sent.queue_offset;
  auto id = remoting::decode_offset_msg_id(sent.offset_msg_id.empty() ? sent.msg_id : sent.offset_msg_id);
  if (!id.ok()) return make_error(Errc::malformed, "send result has no offset msgId: " + id.error().to_string());
  f.commit_log_offset = id->commit_log_offset;
  f.state = state;
  f.msg_id = sent.msg_id;
  f.transaction_id = sent.transaction_id;
  auto route = producer_.instance().route(topic);
  std::optional<std::string> address;
  if (route.ok()) address = route->master_address(sent.message_queue.broker_name);
  if (!address) {
    log_warn("end transaction of {}: no master address for {}", sent.msg_id, sent.message_queue.broker_name);
    return result;  // the broker's check settles it
  }
  heartbeat_if_new(*address);
  if (auto st = end_transaction(*address, build_end_transaction_request(f, producer_.instance().serialize_type()));
      !st.ok()) {
    log_warn("end transaction of {} failed: {}; the broker will check back", sent.msg_id, st.error().to_string());
  }
  return result;
}

// On the callback pool (ClientRemotingProcessor#checkTransactionState + DefaultMQProducerImpl
// #checkTransactionState): ask the listener, answer with END_TRANSACTION fromTransactionCheck.
void TransactionProducer::on_check_request(const remoting::RemotingCommand& request) {
  auto messages = decode_messages(request.body, "");
  if (messages.empty()) {
    log_warn("CHECK_TRANSACTION_STATE without a decodable message");
    return;
  }
  MessageExt& msg = messages.front();
  const std::string group(msg.property(prop::kProducerGroup));
  if (group != producer_.config().group) {
    log_debug("CHECK_TRANSACTION_STATE for group {}, not ours", group);
    return;
  }
  const LocalTransactionState state = listener_->check_local_transaction(msg);
  EndTransactionFields f;
  f.producer_group = group;
  auto table_offset = request.ext_fields.get_int64_or("tranStateTableOffset", msg.queue_offset);
  auto log_offset = request.ext_fields.get_int64_or("commitLogOffset", msg.commit_log_offset);
  if (!table_offset.ok() || !log_offset.ok()) {
    log_warn("CHECK_TRANSACTION_STATE with a bad header: {}",
             (!table_offset.ok() ? table_offset.error() : log_offset.error()).to_string());
    return;
  }
  f.tran_state_table_offset = *table_offset;
  f.commit_log_offset = *log_offset;
  f.state = state;
  f.from_transaction_check = true;
  const std::string_view unique = msg.property(prop::kUniqClientMessageIdKeyidx);
  f.msg_id = std::string(unique.empty() ? std::string_view(msg.offset_msg_id) : unique);
  f.transaction_id = std::string(request.ext_fields.get("transactionId").value_or(""));
  // The broker that asked is the one that stored the message (its store host is its address).
  if (auto st = end_transaction(msg.store_host, build_end_transaction_request(f, producer_.instance().serialize_type()));
      !st.ok()) {
    log_warn("answering the transaction check of {} failed: {}", f.msg_id, st.error().to_string());
  }
}

}  // namespace ringmq::client
