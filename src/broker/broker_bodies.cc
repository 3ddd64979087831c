#include "broker/broker_bodies.h"

#include "base/hash.h"
#include "base/json_writer.h"
#include "protocol/message_queue.h"
#include "protocol/register_broker_body.h"
#include "remoting/request_code.h"

namespace ringmq::broker {
namespace {

void set_identity(remoting::ExtFields& ext, const BrokerIdentity& id) {
  ext.set("brokerName", id.broker_name);
  ext.set("brokerAddr", id.broker_addr);
  ext.set("clusterName", id.cluster_name);
  ext.set_int("brokerId", id.broker_id);
}

}  // namespace

remoting::RemotingCommand make_register_broker_request(const BrokerIdentity& id, const TopicSnapshot& topics) {
  auto cmd = remoting::RemotingCommand::request(remoting::request_code::kRegisterBroker);
  cmd.body = protocol::encode_register_broker_body(topics);
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
    protocol::write_message_queue(key, topic, broker_name, q.queue_id);
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
