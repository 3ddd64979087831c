// Producer: request-reply (DefaultMQProducerImpl#request in RocketMQ 4.9.4).
#include <fmt/format.h>

#include "base/clock.h"
#include "base/log.h"
#include "client/producer.h"
#include "client/producer_internal.h"
#include "remoting/message_const.h"

namespace ringmq::client {

namespace property = remoting::property;

// prepareSendRequest: the three properties, and a heartbeat to the topic's brokers the first time
// this producer requests on the topic, so that the broker pushing the reply knows our connection
// (Java heartbeats when the route is new to the client; ours may have been cached by a send).
Result<std::string> Producer::prepare_request(Message& msg, std::int64_t timeout_ms) {
  RINGMQ_TRY(check_started());
  if (timeout_ms <= 0) return make_error(Errc::invalid_argument, "request timeout must be positive");
  std::string correlation_id = create_correlation_id();
  msg.set_property(property::kCorrelationId, correlation_id);
  msg.set_property(property::kMessageReplyToClient, instance_->client_id());
  msg.set_property(property::kMessageTtl, std::to_string(timeout_ms));
  bool first = false;
  {
    std::lock_guard lock(publish_mutex_);
    first = request_topics_.insert(msg.topic()).second;
  }
  if (first) {
    const std::int64_t begin = monotonic_ms();
    (void)publish_info(msg.topic());
    (void)instance_->send_heartbeat_to_all_brokers();
    if (monotonic_ms() - begin > 500) log_warn("prepare send request for <{}> cost {} ms", msg.topic(), monotonic_ms() - begin);
  }
  return correlation_id;
}

Result<MessageExt> Producer::request(Message msg, std::int64_t timeout_ms) {
  const std::int64_t begin = monotonic_ms();
  RINGMQ_TRY_ASSIGN(std::string id, prepare_request(msg, timeout_ms));
  RINGMQ_TRY_ASSIGN(auto pending, requests_->add(id, nullptr));
  const std::string topic = msg.topic();
  Result<SendResult> sent = send(std::move(msg));
  if (!sent.ok()) {
    requests_->remove(id);
    return make_error(sent.error().code, fmt::format("send request message to <{}> fail: {}", topic, sent.error().detail));
  }
  const std::int64_t left_ms = timeout_ms - (monotonic_ms() - begin);
  if (left_ms > 0 && pending->waiter.wait_for(left_ms)) return std::move(*pending->outcome);
  requests_->remove(id);
  // A reply may have completed the request between the timeout and the removal.
  if (pending->waiter.signalled()) return std::move(*pending->outcome);
  return make_error(Errc::timeout, fmt::format("send request message to <{}> OK, but wait reply message timeout, {} ms.",
                                               topic, timeout_ms));
}

Status Producer::request(Message msg, RequestCallback callback, std::int64_t timeout_ms) {
  if (!callback) return make_error(Errc::invalid_argument, "request callback is empty");
  RINGMQ_TRY_ASSIGN(std::string id, prepare_request(msg, timeout_ms));
  RINGMQ_TRY_ASSIGN(auto pending, requests_->add(id, std::move(callback)));
  (void)pending;  // the table keeps it; a reply, the send's failure or the TTL completes it
  const std::string topic = msg.topic();
  // RequestFutureHolder's scan: the request fails once its TTL has passed without a reply.
  Status armed = instance_->schedule(timeout_ms, [requests = requests_, id] {
    (void)requests->complete(id, make_error(Errc::timeout, "request timeout, no reply message."));
  });
  if (!armed.ok()) {
    requests_->remove(id);
    return armed;
  }
  Status sending = send_async(std::move(msg), [requests = requests_, id, topic](Result<SendResult> sent) {
    if (sent.ok()) return;
    (void)requests->complete(id, make_error(sent.error().code, fmt::format("send request message to <{}> fail: {}",
                                                                           topic, sent.error().detail)));
  });
  if (!sending.ok()) {
    requests_->remove(id);
    return sending;
  }
  return {};
}

}  // namespace ringmq::client
