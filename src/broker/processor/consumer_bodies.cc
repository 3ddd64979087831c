#include "broker/processor/consumer_bodies.h"

#include <set>

#include "base/json_writer.h"
#include "protocol/heartbeat_data.h"
#include "protocol/message_queue.h"

namespace ringmq::broker {
namespace {

void write_connections(JsonWriter& w, const std::map<ChannelKey, ClientChannelInfo>& channels) {
  w.key("connectionSet").begin_array();
  for (const auto& [key, c] : channels) {
    w.begin_object().key("clientAddr").value(c.client_addr).key("clientId").value(c.client_id);
    w.key("language").value(c.language).key("version").value(c.version).end_object();
  }
  w.end_array();
}

}  // namespace

std::string encode_consume_stats(std::string_view broker_name, const std::vector<ConsumeStatsEntry>& entries,
                                 double consume_tps) {
  // JsonWriter has no object-valued keys, so the map is assembled by hand around it.
  JsonWriter tps;
  tps.value(consume_tps);
  std::string out = "{\"consumeTps\":" + tps.str() + ",\"offsetTable\":{";
  bool first = true;
  for (const auto& e : entries) {
    if (!first) out.push_back(',');
    first = false;
    JsonWriter key;
    protocol::write_message_queue(key, e.topic, broker_name, e.queue_id);
    JsonWriter val;
    val.begin_object().key("brokerOffset").value(e.broker_offset).key("consumerOffset").value(e.consumer_offset);
    val.key("lastTimestamp").value(e.last_timestamp).end_object();
    out += key.str();
    out.push_back(':');
    out += val.str();
  }
  out += "}}";
  return out;
}

std::string encode_consumer_connection(const ConsumerGroupInfo& group) {
  JsonWriter w;
  w.begin_object();
  write_connections(w, group.channels);
  w.key("consumeFromWhere").value(protocol::consume_from_where_name(group.consume_from_where));
  w.key("consumeType").value(protocol::consume_type_name(group.consume_type));
  w.key("messageModel").value(protocol::message_model_name(group.message_model)).key("subscriptionTable").begin_object();
  for (const auto& [topic, sub] : group.subscriptions) {
    w.key(topic);
    protocol::write_subscription(w, sub);
  }
  w.end_object().end_object();
  return w.take();
}

std::string encode_producer_connection(const std::map<ChannelKey, ClientChannelInfo>& channels) {
  JsonWriter w;
  w.begin_object();
  write_connections(w, channels);
  w.end_object();
  return w.take();
}

std::string encode_group_list(const std::vector<std::string>& groups) {
  std::set<std::string> unique(groups.begin(), groups.end());
  JsonWriter w;
  w.begin_object().key("groupList").begin_array();
  for (const auto& g : unique) w.value(g);
  w.end_array().end_object();
  return w.take();
}

}  // namespace ringmq::broker
