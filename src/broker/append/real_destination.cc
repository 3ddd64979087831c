#include "broker/append/real_destination.h"

#include <charconv>
#include <string>

#include "remoting/message_const.h"

namespace ringmq::broker {

namespace prop = remoting::property;

void stamp_real_destination(remoting::MessageProperties& props, std::string_view topic, std::int32_t queue_id) {
  props.set(prop::kRealTopic, topic);
  props.set(prop::kRealQueueId, std::to_string(queue_id));
}

std::optional<RealDestination> real_destination_of(const remoting::MessageProperties& props) {
  auto topic = props.get(prop::kRealTopic);
  auto qid = props.get(prop::kRealQueueId);
  if (!topic || !qid || qid->empty()) return std::nullopt;
  std::int32_t queue_id = 0;
  const auto [end, ec] = std::from_chars(qid->data(), qid->data() + qid->size(), queue_id);
  if (ec != std::errc() || end != qid->data() + qid->size()) return std::nullopt;
  return RealDestination{*topic, queue_id};
}

void erase_real_destination(remoting::MessageProperties& props) {
  props.erase(prop::kRealTopic);
  props.erase(prop::kRealQueueId);
}

}  // namespace ringmq::broker
