#include "namesrv/route_json.h"

#include "base/json_writer.h"

namespace ringmq::namesrv {

// The hot path (clients refresh every topic's route every 30 s): straight from the tables.
bool encode_topic_route_data(const RouteTables& tables, std::string_view topic, RouteJsonStyle style,
                             const std::string* order_topic_conf, std::string& out) {
  const std::vector<QueueData>* queue_datas = tables.find_topic(topic);
  if (queue_datas == nullptr || queue_datas->empty()) return false;
  std::vector<const BrokerData*> brokers;
  brokers.reserve(queue_datas->size());
  for (const QueueData& qd : *queue_datas) {
    if (const BrokerData* data = tables.find_broker(qd.broker_name)) brokers.push_back(data);
  }
  if (brokers.empty()) return false;
  protocol::append_topic_route_data(out, brokers, *queue_datas, order_topic_conf, style);
  return true;
}

std::string encode_cluster_info(const RouteTables& tables) {
  JsonWriter w;
  w.begin_object().key("brokerAddrTable").begin_object();
  for (const auto& [name, data] : tables.broker_addr_table) {
    std::string broker_json;
    protocol::append_broker_data(broker_json, data, RouteJsonStyle::fastjson_legacy);
    w.key(name).raw(broker_json);
  }
  w.end_object().key("clusterAddrTable").begin_object();
  for (const auto& [cluster, names] : tables.cluster_addr_table) {
    w.key(cluster).begin_array();
    for (const std::string& name : names) w.value(name);
    w.end_array();
  }
  w.end_object().end_object();
  return w.take();
}

std::string encode_topic_list(const std::vector<std::string>& topics, std::string_view broker_addr) {
  JsonWriter w;
  w.begin_object();
  if (!broker_addr.empty()) w.key("brokerAddr").value(broker_addr);
  w.key("topicList").begin_array();
  for (const std::string& topic : topics) w.value(topic);
  w.end_array().end_object();
  return w.take();
}

std::string encode_kv_table(const std::map<std::string, std::string, std::less<>>& table) {
  JsonWriter w;
  w.begin_object().key("table").begin_object();
  for (const auto& [key, value] : table) w.key(key).value(value);
  w.end_object().end_object();
  return w.take();
}

}  // namespace ringmq::namesrv
