#include "namesrv/route_json.h"

#include <fmt/format.h>

#include <charconv>

#include "base/json_writer.h"

namespace ringmq::namesrv {
namespace {

void write_broker_data(JsonWriter& w, const BrokerData& data, RouteJsonStyle style) {
  w.begin_object().key("brokerAddrs").begin_object();
  for (const auto& [id, addr] : data.broker_addrs) {
    if (style == RouteJsonStyle::fastjson_legacy) {
      w.numeric_key(id);
    } else {
      char buf[24];
      const auto end = fmt::format_to(buf, "{}", id);
      w.key(std::string_view(buf, static_cast<std::size_t>(end - buf)));
    }
    w.value(addr);
  }
  w.end_object().key("brokerName").value(data.broker_name).key("cluster").value(data.cluster).end_object();
}

}  // namespace

// The hot path (clients refresh every topic's route every 30 s): written straight into `out` with
// one reservation, no JsonWriter bookkeeping. Same bytes as write_broker_data.
bool encode_topic_route_data(const RouteTables& tables, std::string_view topic, RouteJsonStyle style,
                             const std::string* order_topic_conf, std::string& out) {
  const std::vector<QueueData>* queue_datas = tables.find_topic(topic);
  if (queue_datas == nullptr || queue_datas->empty()) return false;
  constexpr std::size_t kBytesPerBrokerGroup = 256;  // one BrokerData + one QueueData, typical
  const std::size_t start = out.size();
  out.reserve(start + 64 + queue_datas->size() * kBytesPerBrokerGroup);
  auto append_int = [&out](std::int64_t n) {
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, static_cast<std::size_t>(end - buf));
  };

  out.append(R"({"brokerDatas":[)");
  bool found_broker = false;
  for (const QueueData& qd : *queue_datas) {
    const BrokerData* data = tables.find_broker(qd.broker_name);
    if (data == nullptr) continue;
    out.append(found_broker ? R"(,{"brokerAddrs":{)" : R"({"brokerAddrs":{)");
    found_broker = true;
    bool first_addr = true;
    for (const auto& [id, addr] : data->broker_addrs) {
      if (!first_addr) out.push_back(',');
      first_addr = false;
      if (style == RouteJsonStyle::standard) out.push_back('"');
      append_int(id);
      out.append(style == RouteJsonStyle::standard ? "\":" : ":");
      JsonWriter::append_quoted(out, addr);
    }
    out.append(R"(},"brokerName":)");
    JsonWriter::append_quoted(out, data->broker_name);
    out.append(R"(,"cluster":)");
    JsonWriter::append_quoted(out, data->cluster);
    out.push_back('}');
  }
  if (!found_broker) {
    out.resize(start);
    return false;
  }
  // Filter servers are a retired feature; Java sends an empty map when none registered.
  out.append(R"(],"filterServerTable":{})");
  if (order_topic_conf != nullptr) {
    out.append(R"(,"orderTopicConf":)");
    JsonWriter::append_quoted(out, *order_topic_conf);
  }
  out.append(R"(,"queueDatas":[)");
  bool first_queue = true;
  for (const QueueData& qd : *queue_datas) {
    out.append(first_queue ? R"({"brokerName":)" : R"(,{"brokerName":)");
    first_queue = false;
    JsonWriter::append_quoted(out, qd.broker_name);
    out.append(R"(,"perm":)");
    append_int(qd.perm);
    out.append(R"(,"readQueueNums":)");
    append_int(qd.read_queue_nums);
    out.append(R"(,"topicSysFlag":)");
    append_int(qd.topic_sys_flag);
    out.append(R"(,"writeQueueNums":)");
    append_int(qd.write_queue_nums);
    out.push_back('}');
  }
  out.append("]}");
  return true;
}

std::string encode_cluster_info(const RouteTables& tables) {
  JsonWriter w;
  w.begin_object().key("brokerAddrTable").begin_object();
  for (const auto& [name, data] : tables.broker_addr_table) {
    w.key(name);
    write_broker_data(w, data, RouteJsonStyle::fastjson_legacy);
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
