// PushConsumer: running the listeners (concurrently or orderly), send-back, offsets and the
// broker locks of orderly consumption.
#include <simdjson.h>

#include <fmt/format.h>

#include <set>

#include "base/json_writer.h"
#include "base/log.h"
#include "client/push_consumer.h"
#include "protocol/json_fields.h"
#include "protocol/message_queue.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::client {

namespace request_code = remoting::request_code;
namespace response_code = remoting::response_code;
using remoting::RemotingCommand;

namespace {

// Orderly: batches one consume task runs before it yields its thread to other queues.
constexpr int kOrderlyBatchesPerTask = 32;
// CONSUMER_SEND_MSG_BACK with this delay level sends straight to the DLQ.
constexpr int kDelayLevelDlq = -1;

}  // namespace

void PushConsumer::submit_concurrent(PQ pq, std::vector<MessageExt> msgs) {
  for (auto& msg : msgs) {
    auto one = std::make_shared<std::vector<MessageExt>>();
    one->push_back(std::move(msg));
    Status queued = consume_pool_->submit([this, pq, one] { consume_concurrently(pq, std::move(*one)); });
    if (!queued) log_warn("consume queue full or closed; {} waits for redelivery", pq->mq.to_string());
  }
}

void PushConsumer::consume_concurrently(PQ pq, std::vector<MessageExt> msgs) {
  if (pq->dropped) return;
  ConsumeConcurrentlyStatus status = concurrent_listener_(msgs);
  if (status == ConsumeConcurrentlyStatus::reconsume_later) {
    std::vector<MessageExt> failed;
    for (const auto& msg : msgs) {
      // Broadcasting has no retry topic: Java drops the message with a warning; so do we.
      if (!clustering()) continue;
      if (!send_message_back(msg, 0)) failed.push_back(msg);
    }
    if (!failed.empty()) {
      // The broker did not take them back: consume again here later; they keep the offset held.
      auto again = std::make_shared<std::vector<MessageExt>>(std::move(failed));
      (void)instance_->schedule(kReconsumeLocallyDelayMs, [this, pq, again] {
        (void)consume_pool_->submit([this, pq, again] { consume_concurrently(pq, std::move(*again)); });
      });
      std::erase_if(msgs, [&](const MessageExt& m) {
        return std::any_of(again->begin(), again->end(), [&](const MessageExt& f) { return f.queue_offset == m.queue_offset; });
      });
    }
  }
  commit(pq, pq->remove(msgs));
}

void PushConsumer::submit_orderly(PQ pq) {
  if (pq->consuming.exchange(true)) return;
  Status queued = consume_pool_->submit([this, pq] { consume_orderly(pq); });
  if (!queued) pq->consuming = false;
}

// One queue's messages, strictly in order: the next batch starts only after the previous one
// succeeded. Runs until the queue is empty, the lock is lost, or it has had its share of turns.
void PushConsumer::consume_orderly(PQ pq) {
  for (int turn = 0; turn < kOrderlyBatchesPerTask; ++turn) {
    if (pq->dropped) return;
    if (clustering() && !pq->locked) {
      pq->consuming = false;
      (void)instance_->schedule(kSuspendCurrentQueueMs, [this, pq] { submit_orderly(pq); });
      return;
    }
    std::vector<MessageExt> batch = pq->peek_front(kConsumeBatchMax);
    if (batch.empty()) {
      pq->consuming = false;
      // A message may have arrived between the empty peek and the flag: look once more.
      if (pq->size() > 0) submit_orderly(pq);
      return;
    }
    if (orderly_listener_(batch) == ConsumeOrderlyStatus::success) {
      commit(pq, pq->remove(batch));
      continue;
    }
    // Suspended: retry the same batch later; past max_reconsume_times, park it in the DLQ.
    if (batch.front().reconsume_times + 1 >= config_.max_reconsume_times) {
      bool all_sent = true;
      for (const auto& msg : batch) all_sent = send_message_back(msg, kDelayLevelDlq).ok() && all_sent;
      if (all_sent) {
        commit(pq, pq->remove(batch));
        continue;
      }
    }
    pq->add_reconsume_times(batch);
    pq->consuming = false;
    (void)instance_->schedule(kSuspendCurrentQueueMs, [this, pq] { submit_orderly(pq); });
    return;
  }
  pq->consuming = false;
  submit_orderly(pq);
}

Status PushConsumer::send_message_back(const MessageExt& msg, int delay_level) {
  RINGMQ_TRY_ASSIGN(TopicRouteData route, instance_->route(msg.topic()));
  auto addr = route.master_address(msg.broker_name);
  if (!addr) return make_error(Errc::not_found, "no master to send back to");
  auto request = RemotingCommand::request(request_code::kConsumerSendMsgBack, instance_->serialize_type());
  auto& ext = request.ext_fields;
  ext.set_int("offset", msg.commit_log_offset);
  ext.append("group", config_.group);
  ext.set_int("delayLevel", delay_level);
  ext.append("originMsgId", msg.msg_id());
  ext.append("originTopic", msg.topic());
  ext.append("unitMode", "false");
  ext.set_int("maxReconsumeTimes", config_.max_reconsume_times);
  request.has_ext_fields = true;
  RINGMQ_TRY_ASSIGN(RemotingCommand response, instance_->invoke_sync(*addr, std::move(request), kDefaultCallTimeoutMs));
  if (response.code != response_code::kSuccess)
    return make_error(Errc::io, fmt::format("send back: code {} ({})", response.code, response.remark.value_or("")));
  return {};
}

void PushConsumer::commit(const PQ& pq, std::int64_t offset) {
  if (offset >= 0 && !pq->dropped) offset_store_->update(pq->mq, offset, true);
}

void PushConsumer::persist_offsets() {
  std::vector<MessageQueue> mqs = assigned_queues();
  offset_store_->persist_all(mqs);
}

void PushConsumer::lock_all() {
  std::map<std::string, std::vector<PQ>> by_broker;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [mq, pq] : process_queues_) by_broker[mq.broker_name].push_back(pq);
  }
  for (const auto& [broker, pqs] : by_broker) {
    Status locked = lock_queues(broker, pqs);
    if (!locked) log_debug("lock on {} failed: {}", broker, locked.error().to_string());
  }
}

Status PushConsumer::lock_queues(const std::string& broker_name, const std::vector<PQ>& pqs) {
  if (pqs.empty()) return {};
  RINGMQ_TRY_ASSIGN(TopicRouteData route, instance_->route(pqs.front()->mq.topic));
  auto addr = route.master_address(broker_name);
  if (!addr) return make_error(Errc::not_found, "no master to lock on");
  JsonWriter w;
  w.begin_object().key("clientId").value(client_id()).key("consumerGroup").value(config_.group);
  w.key("mqSet").begin_array();
  for (const auto& pq : pqs) protocol::write_message_queue(w, pq->mq);
  w.end_array().key("onlyThisBroker").value(false).end_object();
  auto request = RemotingCommand::request(request_code::kLockBatchMq, instance_->serialize_type());
  request.body = w.take();
  RINGMQ_TRY_ASSIGN(RemotingCommand response, instance_->invoke_sync(*addr, std::move(request), kDefaultCallTimeoutMs));
  if (response.code != response_code::kSuccess) return make_error(Errc::io, fmt::format("lock: code {}", response.code));
  simdjson::dom::parser parser;
  simdjson::dom::array granted;
  if (parser.parse(response.body).get_object()["lockOKMQSet"].get_array().get(granted) != simdjson::SUCCESS)
    return make_error(Errc::malformed, "lock response body");
  std::set<MessageQueue> locked;
  for (auto e : granted) {
    if (auto mq = protocol::json::message_queue_from(e); mq.ok()) locked.insert(std::move(mq).value());
  }
  for (const auto& pq : pqs) pq->locked = locked.count(pq->mq) > 0;
  return {};
}

void PushConsumer::unlock_all() {
  std::map<std::string, std::vector<MessageQueue>> by_broker;
  for (const auto& mq : assigned_queues()) by_broker[mq.broker_name].push_back(mq);
  for (const auto& [broker, mqs] : by_broker) {
    auto route = instance_->cached_route(mqs.front().topic);
    if (!route) continue;
    auto addr = route->master_address(broker);
    if (!addr) continue;
    JsonWriter w;
    w.begin_object().key("clientId").value(client_id()).key("consumerGroup").value(config_.group);
    w.key("mqSet").begin_array();
    for (const auto& mq : mqs) protocol::write_message_queue(w, mq);
    w.end_array().key("onlyThisBroker").value(false).end_object();
    auto request = RemotingCommand::request(request_code::kUnlockBatchMq, instance_->serialize_type());
    request.body = w.take();
    (void)instance_->invoke_sync(*addr, std::move(request), kDefaultCallTimeoutMs);
  }
}

}  // namespace ringmq::client
