#include "protocol/subscription_group_config.h"

#include "base/json_writer.h"
#include "protocol/json_fields.h"

namespace ringmq::protocol {

void write_subscription_group(JsonWriter& w, const SubscriptionGroupConfig& g) {
  w.begin_object();
  w.key("brokerId").value(g.broker_id).key("consumeBroadcastEnable").value(g.consume_broadcast_enable);
  w.key("consumeEnable").value(g.consume_enable).key("consumeFromMinEnable").value(g.consume_from_min_enable);
  w.key("groupName").value(g.group_name);
  w.key("notifyConsumerIdsChangedEnable").value(g.notify_consumer_ids_changed_enable);
  w.key("retryMaxTimes").value(g.retry_max_times).key("retryQueueNums").value(g.retry_queue_nums);
  w.key("whichBrokerWhenConsumeSlowly").value(g.which_broker_when_consume_slowly);
  w.end_object();
}

std::string encode_subscription_group(const SubscriptionGroupConfig& g) {
  JsonWriter w;
  write_subscription_group(w, g);
  return w.take();
}

namespace json {

Result<SubscriptionGroupConfig> subscription_group_from(std::string_view map_key, dom::object o) {
  SubscriptionGroupConfig g;
  g.group_name = std::string(map_key);
  RINGMQ_TRY(read_string(o, "groupName", g.group_name));
  RINGMQ_TRY(read_bool(o, "consumeEnable", g.consume_enable));
  RINGMQ_TRY(read_bool(o, "consumeFromMinEnable", g.consume_from_min_enable));
  RINGMQ_TRY(read_bool(o, "consumeBroadcastEnable", g.consume_broadcast_enable));
  RINGMQ_TRY(read_int32(o, "retryQueueNums", g.retry_queue_nums));
  RINGMQ_TRY(read_int32(o, "retryMaxTimes", g.retry_max_times));
  RINGMQ_TRY(read_int64(o, "brokerId", g.broker_id));
  RINGMQ_TRY(read_int64(o, "whichBrokerWhenConsumeSlowly", g.which_broker_when_consume_slowly));
  RINGMQ_TRY(read_bool(o, "notifyConsumerIdsChangedEnable", g.notify_consumer_ids_changed_enable));
  return g;
}

}  // namespace json

Result<SubscriptionGroupConfig> decode_subscription_group(std::string_view text) {
  json::dom::parser parser;
  RINGMQ_TRY_ASSIGN(json::dom::object root, json::parse_object(parser, text, "subscription group config"));
  RINGMQ_TRY_ASSIGN(SubscriptionGroupConfig g, json::subscription_group_from({}, root));
  if (g.group_name.empty()) return json::malformed("subscription group config: groupName missing");
  return g;
}

}  // namespace ringmq::protocol
