#include "broker/processor/send_message_check.h"

#include <fmt/format.h>

#include "remoting/message_properties.h"
#include "remoting/response_code.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker {

namespace rc = remoting::response_code;

WireError check_send_preconditions(const BrokerConfig& config, const remoting::SendMessageRequestHeader& header) {
  if (config.role == BrokerRole::slave) {
    return {rc::kServiceNotAvailable,
            "service not available now. It may be caused by one of the following reasons: the broker's disk is "
            "full, messages are put to the slave, message store has been shut down, etc."};
  }
  if (auto st = remoting::validate_topic(header.topic); !st.ok()) {
    return {rc::kMessageIllegal, st.error().detail};
  }
  if (remoting::is_not_allowed_send_topic(header.topic)) {
    return {rc::kNoPermission, fmt::format("Sending message to topic[{}] is forbidden.", header.topic)};
  }
  // Checked here, before anything decodes them: MessageProperties::decode is quadratic in the
  // number of pairs, and the delay rewrite and stored_properties() decode the client's string
  // before check_message_size() sees the result. A header may carry up to 16 MiB.
  if (header.properties.size() > remoting::kPropertiesBytesMax) {
    return {rc::kMessageIllegal, fmt::format("the message properties size over max value, MAX: {}",
                                             remoting::kPropertiesBytesMax)};
  }
  return {};
}

WireError check_send_topic(const remoting::SendMessageRequestHeader& header, const TopicConfig* topic) {
  if (topic == nullptr) return {rc::kTopicNotExist, topic_not_exist_remark(header.topic)};
  if (!perm::is_writeable(topic->perm)) {
    return {rc::kNoPermission, fmt::format("the topic[{}] sending message is forbidden", header.topic)};
  }
  const std::int32_t queues = queue_count_of(*topic);
  if (header.queue_id >= queues) {
    return {rc::kSystemError, fmt::format("request queueId[{}] is illegal, topic:{} writeQueueNums:{} Producer:{}",
                                          header.queue_id, header.topic, topic->write_queue_nums,
                                          header.producer_group)};
  }
  if (topic->write_queue_nums <= 0) {
    return {rc::kNoPermission, fmt::format("the topic[{}] has no writable queue", header.topic)};
  }
  return {};
}

WireError check_message_size(const BrokerConfig& config, std::size_t body_bytes, std::size_t properties_bytes) {
  if (body_bytes > config.max_message_bytes) {
    return {rc::kMessageIllegal, fmt::format("the message body size over max value, MAX: {}", config.max_message_bytes)};
  }
  if (properties_bytes > remoting::kPropertiesBytesMax) {
    return {rc::kMessageIllegal, fmt::format("the message properties size over max value, MAX: {}",
                                             remoting::kPropertiesBytesMax)};
  }
  return {};
}

std::string topic_not_exist_remark(std::string_view topic) {
  return fmt::format("topic[{}] not exist, apply first please! http://rocketmq.apache.org/docs/faq/", topic);
}

}  // namespace ringmq::broker
