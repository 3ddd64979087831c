#include "client/producer.h"

#include <cstdlib>

#include <fmt/format.h>

#include "base/clock.h"
#include "base/log.h"
#include "client/message_codec.h"
#include "client/producer_internal.h"
#include "remoting/message_const.h"
#include "remoting/request_code.h"

namespace ringmq::client {

using remoting::RemotingCommand;

namespace {

// Why a route gives no publish queue. Java says only "No route info of this topic"; a group whose
// master is gone (its slaves still routed) is the case a master/slave user meets, so name it.
std::string no_publish_queue_reason(const TopicRouteData& route, const std::string& topic) {
  std::string masterless;
  for (const auto& q : route.queue_datas) {
    if (!perm::is_writeable(q.perm) || route.master_address(q.broker_name)) continue;
    if (!masterless.empty()) masterless += ", ";
    masterless += q.broker_name;
  }
  if (masterless.empty()) return fmt::format("no writable queue for topic {}", topic);
  return fmt::format("no writable queue for topic {}: no master (brokerId 0) in the route of broker {}; "
                     "slaves do not take sends", topic, masterless);
}

}  // namespace

MessageQueue select_message_queue_by_hash(const std::vector<MessageQueue>& mqs, const Message&, std::int64_t arg) {
  const std::uint64_t key = arg < 0 ? static_cast<std::uint64_t>(-(arg + 1)) + 1 : static_cast<std::uint64_t>(arg);
  return mqs[key % mqs.size()];
}

Producer::Producer(ProducerConfig config)
    : config_(std::move(config)),
      fault_strategy_(config_.send_latency_fault_enable, config_.fault_isolation_ms) {}

Producer::~Producer() { shutdown(); }

Status Producer::start() {
  if (instance_) return {};
  if (config_.group.empty()) return make_error(Errc::invalid_argument, "producer group is blank");
  RINGMQ_TRY_ASSIGN(instance_, ClientInstance::create(config_.client));
  instance_->register_producer(config_.group);
  // Replies to this producer's request() calls (ClientRemotingProcessor.receiveReplyMessage).
  RINGMQ_TRY(instance_->register_request_handler(
      remoting::request_code::kPushReplyMessageToClient, [requests = requests_](const RemotingCommand& request) {
        Result<MessageExt> reply = decode_reply_push(request);
        if (!reply.ok()) return log_warn("bad reply message pushed by a broker: {}", reply.error().to_string());
        const std::string id(reply->property(remoting::property::kCorrelationId));
        const std::string from = reply->store_host;
        if (!requests->complete(id, std::move(reply))) {
          log_warn("receive reply message, but not matched any request, CorrelationId: {} , reply from host: {}", id, from);
        }
      }));
  return {};
}

void Producer::shutdown() {
  if (!instance_) return;
  instance_->unregister_producer(config_.group);
  instance_->shutdown();
  instance_.reset();
}

Result<std::shared_ptr<const PublishInfo>> Producer::publish_info(const std::string& topic) {
  const std::int64_t now = monotonic_ms();
  {
    std::lock_guard lock(publish_mutex_);
    auto it = publish_infos_.find(topic);
    if (it != publish_infos_.end() && now - it->second->fetched_at_ms < kRouteRefreshIntervalMs) return it->second;
  }
  // Fetched outside the lock: concurrent senders may both ask; the last answer wins, harmlessly.
  auto info = std::make_shared<PublishInfo>();
  info->fetched_at_ms = now;
  auto route = instance_->update_route(topic);
  if (route) {
    info->route = std::move(route).value();
    info->queues = publish_queues(info->route, topic);
  } else if (route.error().code == Errc::not_found) {
    // Not created yet: send to the brokers that would auto-create it (§3.6, TBW102).
    RINGMQ_TRY_ASSIGN(info->route, instance_->update_route(kAutoCreateTopicKey));
    info->queues = publish_queues_for_new_topic(info->route, topic, config_.default_topic_queue_nums);
  } else {
    return route.take_error();
  }
  if (info->queues.empty()) return make_error(Errc::not_found, no_publish_queue_reason(info->route, topic));
  std::lock_guard lock(publish_mutex_);
  publish_infos_[topic] = info;
  return std::shared_ptr<const PublishInfo>(info);
}

void Producer::invalidate(const std::string& topic) {
  std::lock_guard lock(publish_mutex_);
  publish_infos_.erase(topic);
}

void Producer::invalidate_if_older(const std::string& topic, std::int64_t min_age_ms) {
  const std::int64_t now = monotonic_ms();
  std::lock_guard lock(publish_mutex_);
  auto it = publish_infos_.find(topic);
  if (it != publish_infos_.end() && now - it->second->fetched_at_ms >= min_age_ms) publish_infos_.erase(it);
}

Result<std::vector<MessageQueue>> Producer::fetch_publish_message_queues(const std::string& topic) {
  RINGMQ_TRY(check_started());
  RINGMQ_TRY_ASSIGN(auto info, publish_info(topic));
  return info->queues;
}

Result<std::string> Producer::broker_address(const PublishInfo& info, const MessageQueue& mq) {
  if (auto addr = info.route.master_address(mq.broker_name)) return std::move(*addr);
  // The route may be stale (a queue given by the caller, a master that came back): ask again.
  RINGMQ_TRY_ASSIGN(TopicRouteData route, instance_->update_route(mq.topic));
  if (auto addr = route.master_address(mq.broker_name)) return std::move(*addr);
  return make_error(Errc::not_found, fmt::format("broker {} has no master", mq.broker_name));
}

// Java's sendDefaultImpl: up to 1 + retries attempts, each on a freshly selected queue away from
// the broker that failed last, within one overall timeout.
Result<SendResult> Producer::send_sync(const Prepared& prepared, const MessageQueue* fixed_mq) {
  RINGMQ_TRY_ASSIGN(auto info, publish_info(prepared.topic));
  const std::int64_t begin = monotonic_ms();
  const int attempts = fixed_mq != nullptr ? 1 : 1 + config_.retry_times_when_send_failed;
  std::string last_failed;
  Error last_error = make_error(Errc::timeout, "send timed out");
  for (int attempt = 0; attempt < attempts; ++attempt) {
    const std::int64_t remaining = config_.send_msg_timeout_ms - (monotonic_ms() - begin);
    if (remaining <= 0) break;
    const MessageQueue mq = fixed_mq != nullptr ? *fixed_mq : fault_strategy_.select(*info, last_failed, begin);
    auto addr = broker_address(*info, mq);
    Result<SendResult> result = addr ? Result<SendResult>(make_error(Errc::io, "unsent")) : addr.take_error();
    bool unreachable = false;  // no answer at all, as opposed to the broker's refusal
    if (addr) {
      auto response = instance_->invoke_sync(std::move(addr).value(), build_request(prepared, mq), remaining);
      unreachable = !response;
      result = response ? parse_send_response(*response, mq, prepared.msg_id) : response.take_error();
    }
    fault_strategy_.update(mq.broker_name, !result.ok(), monotonic_ms());
    if (result) return result;
    last_error = result.take_error();
    // Name the queue and the route it came from, so a failure report says where it went.
    last_error.detail = fmt::format("{} (to {} of {} publish queues)", last_error.detail, mq.to_string(),
                                    info->queues.size());
    last_failed = mq.broker_name;
    log_debug("send to {} failed (attempt {}): {}", mq.to_string(), attempt + 1, last_error.to_string());
    if (last_error.code == Errc::not_found) invalidate(prepared.topic);
    // The broker may have left the route (a dead master): the next send reads it again.
    if (unreachable) invalidate_if_older(prepared.topic, kRouteRefreshAfterSendFailureMs);
    if (!send_error_retryable(last_error)) break;
  }
  return last_error;
}

Result<SendResult> Producer::send(Message msg) {
  RINGMQ_TRY_ASSIGN(Prepared prepared, prepare(msg));
  return send_sync(prepared, nullptr);
}

Result<SendResult> Producer::send(Message msg, const MessageQueue& mq) {
  RINGMQ_TRY_ASSIGN(Prepared prepared, prepare(msg));
  if (mq.topic != prepared.topic) return make_error(Errc::invalid_argument, "message queue of another topic");
  return send_sync(prepared, &mq);
}

Result<SendResult> Producer::send(Message msg, const MessageQueueSelector& selector, std::int64_t arg) {
  RINGMQ_TRY(check_started());
  RINGMQ_TRY_ASSIGN(auto info, publish_info(msg.topic()));
  const MessageQueue mq = selector(info->queues, msg, arg);
  return send(std::move(msg), mq);
}

Result<SendResult> Producer::send(std::vector<Message> batch) {
  RINGMQ_TRY_ASSIGN(Prepared prepared, prepare_batch(batch));
  return send_sync(prepared, nullptr);
}

Result<SendResult> Producer::send(std::vector<Message> batch, const MessageQueue& mq) {
  RINGMQ_TRY_ASSIGN(Prepared prepared, prepare_batch(batch));
  return send_sync(prepared, &mq);
}

Status Producer::send_async(Message msg, SendCallback callback) {
  RINGMQ_TRY_ASSIGN(Prepared prepared, prepare(msg));
  return start_async(std::move(prepared), nullptr, std::move(callback));
}

Status Producer::send_async(Message msg, const MessageQueue& mq, SendCallback callback) {
  RINGMQ_TRY_ASSIGN(Prepared prepared, prepare(msg));
  return start_async(std::move(prepared), &mq, std::move(callback));
}

Status Producer::send_async(std::vector<Message> batch, SendCallback callback) {
  RINGMQ_TRY_ASSIGN(Prepared prepared, prepare_batch(batch));
  return start_async(std::move(prepared), nullptr, std::move(callback));
}

// As send_sync: a queue given by the caller gets one attempt, a selected one 1 + retries.
Status Producer::start_async(Prepared prepared, const MessageQueue* fixed_mq, SendCallback callback) {
  auto state = std::make_shared<AsyncSend>();
  state->prepared = std::move(prepared);
  state->callback = std::move(callback);
  state->has_fixed_mq = fixed_mq != nullptr;
  if (fixed_mq != nullptr) state->fixed_mq = *fixed_mq;
  state->attempts_left = fixed_mq != nullptr ? 1 : 1 + config_.retry_times_when_send_async_failed;
  state->deadline_ms = monotonic_ms() + config_.send_msg_timeout_ms;
  return send_async_impl(std::move(state));
}

// One attempt; a retryable failure comes back through on_async_response, which tries again.
Status Producer::send_async_impl(std::shared_ptr<AsyncSend> state) {
  RINGMQ_TRY_ASSIGN(auto info, publish_info(state->prepared.topic));
  const std::int64_t now = monotonic_ms();
  const MessageQueue mq = state->has_fixed_mq ? state->fixed_mq : fault_strategy_.select(*info, state->last_failed_broker, now);
  RINGMQ_TRY_ASSIGN(std::string addr, broker_address(*info, mq));
  --state->attempts_left;
  state->publish_queue_count = info->queues.size();
  RemotingCommand request = build_request(state->prepared, mq);
  const std::int64_t timeout = std::max<std::int64_t>(state->deadline_ms - now, 1);
  return instance_->invoke_async(
      std::move(addr), std::move(request), timeout,
      [this, state, mq](Result<RemotingCommand> response) { on_async_response(state, mq, std::move(response)); },
      ClientInstance::RunOn::io_thread);
}

void Producer::on_async_response(std::shared_ptr<AsyncSend> state, const MessageQueue& mq,
                                 Result<RemotingCommand> response) {
  const bool answered = response.ok();
  Result<SendResult> result =
      answered ? parse_send_response(*response, mq, state->prepared.msg_id) : Result<SendResult>(response.take_error());
  fault_strategy_.update(mq.broker_name, !result.ok(), monotonic_ms());
  if (result) return deliver_async(std::move(state), std::move(result));
  // A retry may have to ask the NameServer synchronously, which the I/O thread must never do.
  auto failure = std::make_shared<Error>(result.take_error());
  Status queued = instance_->execute(
      [this, state, mq, answered, failure] { on_async_failure(state, mq, answered, std::move(*failure)); });
  if (!queued) state->callback(std::move(*failure));
}

void Producer::on_async_failure(std::shared_ptr<AsyncSend> state, const MessageQueue& mq, bool answered,
                                Error error) {
  // No answer at all: the broker may have left the route (a dead master); re-read it soon.
  if (!answered) invalidate_if_older(state->prepared.topic, kRouteRefreshAfterSendFailureMs);
  error.detail =
      fmt::format("{} (to {} of {} publish queues)", error.detail, mq.to_string(), state->publish_queue_count);
  Result<SendResult> result = std::move(error);
  if (send_error_retryable(result.error()) && state->attempts_left > 0 && monotonic_ms() < state->deadline_ms) {
    state->last_failed_broker = mq.broker_name;
    Status retried = send_async_impl(state);
    if (retried) return;
    result = retried.take_error();
  }
  state->callback(std::move(result));
}

void Producer::deliver_async(std::shared_ptr<AsyncSend> state, Result<SendResult> result) {
  if (config_.callbacks_on_io_thread) return state->callback(std::move(result));
  auto shared = std::make_shared<Result<SendResult>>(std::move(result));
  Status queued = instance_->execute([state, shared] { state->callback(std::move(*shared)); });
  // The pool is full or shut down: run it here rather than lose the outcome.
  if (!queued) state->callback(std::move(*shared));
}

Status Producer::send_oneway(Message msg) {
  RINGMQ_TRY_ASSIGN(Prepared prepared, prepare(msg));
  RINGMQ_TRY_ASSIGN(auto info, publish_info(prepared.topic));
  const MessageQueue mq = fault_strategy_.select(*info, {}, monotonic_ms());
  RINGMQ_TRY_ASSIGN(std::string addr, broker_address(*info, mq));
  return instance_->invoke_oneway(std::move(addr), build_request(prepared, mq));
}

Status Producer::send_oneway(Message msg, const MessageQueue& mq) {
  RINGMQ_TRY_ASSIGN(Prepared prepared, prepare(msg));
  RINGMQ_TRY_ASSIGN(auto info, publish_info(prepared.topic));
  RINGMQ_TRY_ASSIGN(std::string addr, broker_address(*info, mq));
  return instance_->invoke_oneway(std::move(addr), build_request(prepared, mq));
}

}  // namespace ringmq::client
