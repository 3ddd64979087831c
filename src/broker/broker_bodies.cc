#include "broker/broker_bodies.h"

#include "base/hash.h"
#include "base/json_writer.h"
#include "remoting/request_code.h"

namespace ringmq::broker {
namespace {

void write_wrapper(JsonWriter& w, const TopicSnapshot& topics) {
  w.begin_object();
  w.key("dataVersion").begin_object();
  w.key("counter").value(topics.data_version.counter);
  w.key("timestamp").value(topics.data_version.timestamp_ms);
  w.end_object();
  w.key("topicConfigTable").begin_object();
  for (const auto& [name, c] : topics.topics) {
    w.key(name).begin_object();
    w.key("order").value(c.order);
    w.key("perm").value(c.perm);
    w.key("readQueueNums").value(c.read_queue_nums);
    w.key("topicFilterType").value(c.topic_filter_type);
    w.key("topicName").value(c.topic_name);
    w.key("topicSysFlag").value(c.topic_sys_flag);
    w.key("writeQueueNums").value(c.write_queue_nums);
    w.end_object();
  }
  w.end_object();
  w.end_object();
}

void set_identity(remoting::ExtFields& ext, const BrokerIdentity& id) {
  ext.set("brokerName", id.broker_name);
  ext.set("brokerAddr", id.broker_addr);
  ext.set("clusterName", id.cluster_name);
  ext.set_int("brokerId", id.broker_id);
}

}  // namespace

std::string encode_topic_config_wrapper(const TopicSnapshot& topics) {
  JsonWriter w;
  write_wrapper(w, topics);
  return w.take();
}

std::string encode_register_broker_body(const TopicSnapshot& topics) {
  JsonWriter w;
  w.begin_object();
  w.key("filterServerList").begin_array().end_array();
  w.key("topicConfigSerializeWrapper");
  write_wrapper(w, topics);
  w.end_object();
  return w.take();
}

remoting::RemotingCommand make_register_broker_request(const BrokerIdentity& id, const TopicSnapshot& topics) {
  auto cmd = remoting::RemotingCommand::request(remoting::request_code::kRegisterBroker);
  cmd.body = encode_register_broker_body(topics);
  cmd.has_ext_fields = true;
  set_identity(cmd.ext_fields, id);
  cmd.ext_fields.set("haServerAddr", id.ha_server_addr);
  cmd.ext_fields.set_bool("compressed", false);
  cmd.ext_fields.set_int("bodyCrc32", static_cast<std::int64_t>(crc32(std::string_view(cmd.body)) & 0x7FFFFFFFu));
  return cmd;
}

remoting::RemotingCommand make_unregister_broker_request(const BrokerIdentity& id) {
  auto cmd = remoting::RemotingCommand::request(remoting::request_code::kUnregisterBroker);
  cmd.has_ext_fields = true;
  set_identity(cmd.ext_fields, id);
  return cmd;
}

std::string encode_kv_table(const std::vector<std::pair<std::string, std::string>>& table) {
  JsonWriter w;
  w.begin_object().key("table").begin_object();
  for (const auto& [k, v] : table) w.key(k).value(v);
  w.end_object().end_object();
  return w.take();
}

std::string encode_topic_stats(std::string_view topic, std::string_view broker_name,
                               const std::vector<QueueStats>& queues) {
  // JsonWriter has no object-valued keys, so the map is assembled by hand around it.
  std::string out = "{\"offsetTable\":{";
  bool first = true;
  for (const auto& q : queues) {
    if (!first) out.push_back(',');
    first = false;
    JsonWriter key;
    key.begin_object().key("brokerName").value(broker_name).key("queueId").value(q.queue_id);
    key.key("topic").value(topic).end_object();
    JsonWriter val;
    val.begin_object().key("lastUpdateTimestamp").value(q.last_update_timestamp);
    val.key("maxOffset").value(q.max_offset).key("minOffset").value(q.min_offset).end_object();
    out += key.str();
    out.push_back(':');
    out += val.str();
  }
  out += "}}";
  return out;
}

}  // namespace ringmq::broker
