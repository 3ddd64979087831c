// What a PushConsumer answers when a broker asks (Java's ClientRemotingProcessor and
// DefaultMQPushConsumerImpl, 4.9.4): RESET_CONSUMER_CLIENT_OFFSET (220), GET_CONSUMER_STATUS_FROM_CLIENT
// (221), GET_CONSUMER_RUNNING_INFO (307) and CONSUME_MESSAGE_DIRECTLY (309). NOTIFY_CONSUMER_IDS_CHANGED
// (40) is registered in push_consumer.cc. Every handler runs on the client's callback pool.
#include <fmt/format.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/json_writer.h"
#include "base/log.h"
#include "client/message_codec.h"
#include "client/mq_admin.h"
#include "client/push_consumer.h"
#include "protocol/heartbeat_data.h"
#include "protocol/message_queue.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::client {

namespace rc = remoting::response_code;
using remoting::RemotingCommand;

namespace {

RemotingCommand response(std::int32_t code, std::string body = {}, std::string remark = {}) {
  RemotingCommand r;
  r.code = code;
  if (!remark.empty()) r.remark = std::move(remark);
  r.body = std::move(body);
  return r;
}

}  // namespace

// ClientRemotingProcessor#resetOffset -> MQClientInstance#resetOffset: the queues named are dropped,
// their offsets set and persisted, and the next rebalance pulls them again from there.
void PushConsumer::reset_offset(const RemotingCommand& request) {
  const std::string topic(request.ext_fields.get("topic").value_or(""));
  const auto table = protocol::decode_queue_offset_table(request.body);
  if (!table.ok()) {
    log_warn("[reset-offset] group {} topic {}: body does not parse: {}", config_.group, topic,
             table.error().to_string());
    return;
  }
  std::vector<MessageQueue> reset;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [mq, offset] : *table) {
      if (mq.topic != topic) continue;
      auto it = process_queues_.find(mq);
      if (it != process_queues_.end()) {
        it->second->dropped = true;
        process_queues_.erase(it);
      }
      offset_store_->update(mq, offset, false);
      reset.push_back(mq);
    }
  }
  offset_store_->persist_all(reset);
  log_info("[reset-offset] group {} topic {}: {} queues reset", config_.group, topic, reset.size());
  do_rebalance();
}

RemotingCommand PushConsumer::consumer_status(const RemotingCommand& request) {
  const std::string topic(request.ext_fields.get("topic").value_or(""));
  protocol::QueueOffsets table;
  for (const auto& [mq, offset] : offset_store_->snapshot()) {
    if (mq.topic == topic) table.emplace_back(mq, offset);
  }
  return response(rc::kSuccess, "{\"consumerTable\":{},\"messageQueueTable\":" +
                                    protocol::encode_queue_offset_table(table) + "}");
}

// ConsumerRunningInfo: properties, subscriptions, each held queue's ProcessQueueInfo.
RemotingCommand PushConsumer::running_info(const RemotingCommand&) {
  JsonWriter w;
  w.begin_object().key("mqTable");
  std::string mq_table = "{";
  {
    std::lock_guard lock(mutex_);
    for (const auto& [mq, pq] : process_queues_) {
      if (mq_table.size() > 1) mq_table.push_back(',');
      std::lock_guard pq_lock(pq->mutex);
      JsonWriter v;
      v.begin_object().key("cachedMsgCount").value(static_cast<std::uint64_t>(pq->msgs.size()));
      v.key("cachedMsgMaxOffset").value(pq->msgs.empty() ? 0 : pq->msgs.rbegin()->first);
      v.key("cachedMsgMinOffset").value(pq->msgs.empty() ? 0 : pq->msgs.begin()->first);
      v.key("commitOffset").value(offset_store_->snapshot()[mq]);
      v.key("droped").value(pq->dropped.load()).key("locked").value(pq->locked.load()).end_object();
      mq_table += protocol::encode_message_queue(mq) + ":" + v.take();
    }
  }
  w.raw(mq_table + "}");
  w.key("properties").begin_object();
  w.key("PROP_CLIENT_VERSION").value("V4_9_4");
  w.key("PROP_CONSUME_ORDERLY").value(orderly() ? "true" : "false");
  w.key("PROP_CONSUME_TYPE").value("CONSUME_PASSIVELY");
  w.key("PROP_CONSUMER_START_TIMESTAMP").value(std::to_string(start_timestamp_ms_));
  std::string namesrv;
  for (const std::string& addr : instance_->namesrv_addrs()) namesrv += (namesrv.empty() ? "" : ";") + addr;
  w.key("PROP_NAMESERVER_ADDR").value(namesrv);
  w.key("PROP_THREADPOOL_CORE_SIZE").value(std::to_string(config_.consume_thread_count));
  w.key("consumerGroup").value(config_.group);
  w.key("messageModel").value(clustering() ? "CLUSTERING" : "BROADCASTING");
  w.key("pullBatchSize").value(std::to_string(config_.pull_batch_size));
  w.end_object();
  w.key("statusTable").begin_object().end_object();
  w.key("subscriptionSet").begin_array();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [topic, sub] : subscriptions_) protocol::write_subscription(w, sub);
  }
  w.end_array().end_object();
  return response(rc::kSuccess, w.take());
}

// ConsumeMessageConcurrentlyService#consumeMessageDirectly: the listener runs on this thread; the
// answer is a ConsumeMessageDirectlyResult.
RemotingCommand PushConsumer::consume_directly(const RemotingCommand& request) {
  auto msgs = decode_messages(request.body, request.ext_fields.get("brokerName").value_or(""));
  if (msgs.empty()) return response(rc::kSystemError, {}, "The message could not be decoded");
  const std::int64_t begin = wall_clock_ms();
  std::string result;
  bool order = false;
  if (concurrent_listener_) {
    result = concurrent_listener_(msgs) == ConsumeConcurrentlyStatus::consume_success ? "CR_SUCCESS" : "CR_LATER";
  } else if (orderly_listener_) {
    order = true;
    result = orderly_listener_(msgs) == ConsumeOrderlyStatus::success ? "CR_SUCCESS" : "CR_LATER";
  } else {
    result = "CR_RETURN_NULL";
  }
  JsonWriter w;
  w.begin_object().key("autoCommit").value(true).key("consumeResult").value(result).key("order").value(order);
  w.key("remark").null_value().key("spentTimeMills").value(wall_clock_ms() - begin).end_object();
  return response(rc::kSuccess, w.take());
}

Status PushConsumer::register_broker_requests() {
  namespace req = remoting::request_code;
  RINGMQ_TRY(instance_->register_request_handler(req::kResetConsumerClientOffset,
                                                 [this](const RemotingCommand& r) { reset_offset(r); }));
  RINGMQ_TRY(instance_->register_request_responder(req::kGetConsumerStatusFromClient,
                                                   [this](const RemotingCommand& r) { return consumer_status(r); }));
  RINGMQ_TRY(instance_->register_request_responder(req::kGetConsumerRunningInfo,
                                                   [this](const RemotingCommand& r) { return running_info(r); }));
  RINGMQ_TRY(instance_->register_request_responder(req::kConsumeMessageDirectly,
                                                   [this](const RemotingCommand& r) { return consume_directly(r); }));
  return {};
}

}  // namespace ringmq::client
