#include "protocol/route_data.h"

#include <charconv>

#include "base/json_writer.h"
#include "protocol/fastjson.h"
#include "protocol/json_fields.h"
#include "protocol/perm.h"

namespace ringmq::protocol {
namespace {

namespace dom = json::dom;

void append_int(std::string& out, std::int64_t n) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

Result<QueueData> queue_data_from(dom::element element) {
  dom::object obj;
  if (element.get_object().get(obj) != simdjson::SUCCESS) return json::malformed("route: QueueData is not an object");
  QueueData q;
  RINGMQ_TRY(json::read_string(obj, "brokerName", q.broker_name));
  RINGMQ_TRY(json::read_int32(obj, "readQueueNums", q.read_queue_nums));
  RINGMQ_TRY(json::read_int32(obj, "writeQueueNums", q.write_queue_nums));
  RINGMQ_TRY(json::read_int32(obj, "perm", q.perm));
  RINGMQ_TRY(json::read_int32(obj, "topicSysFlag", q.topic_sys_flag));
  return q;
}

Result<BrokerData> broker_data_from(dom::element element) {
  dom::object obj;
  if (element.get_object().get(obj) != simdjson::SUCCESS) return json::malformed("route: BrokerData is not an object");
  BrokerData broker;
  RINGMQ_TRY(json::read_string(obj, "cluster", broker.cluster));
  RINGMQ_TRY(json::read_string(obj, "brokerName", broker.broker_name));
  dom::object addrs;
  if (obj["brokerAddrs"].get_object().get(addrs) == simdjson::SUCCESS) {
    for (auto field : addrs) {
      std::int64_t id = 0;
      const auto [ptr, ec] = std::from_chars(field.key.data(), field.key.data() + field.key.size(), id);
      std::string_view addr;
      if (ec != std::errc() || ptr != field.key.data() + field.key.size() ||
          field.value.get_string().get(addr) != simdjson::SUCCESS) {
        return json::malformed("route: bad brokerAddrs entry");
      }
      broker.broker_addrs[id] = std::string(addr);
    }
  }
  return broker;
}

}  // namespace

const BrokerData* TopicRouteData::find_broker(std::string_view broker_name) const {
  for (const auto& b : broker_datas)
    if (b.broker_name == broker_name) return &b;
  return nullptr;
}

std::optional<std::string> TopicRouteData::master_address(std::string_view broker_name) const {
  const BrokerData* broker = find_broker(broker_name);
  if (broker == nullptr) return std::nullopt;
  auto it = broker->broker_addrs.find(kMasterId);
  if (it == broker->broker_addrs.end()) return std::nullopt;
  return it->second;
}

void append_queue_data(std::string& out, const QueueData& data) {
  out.append(R"({"brokerName":)");
  JsonWriter::append_quoted(out, data.broker_name);
  out.append(R"(,"perm":)");
  append_int(out, data.perm);
  out.append(R"(,"readQueueNums":)");
  append_int(out, data.read_queue_nums);
  out.append(R"(,"topicSysFlag":)");
  append_int(out, data.topic_sys_flag);
  out.append(R"(,"writeQueueNums":)");
  append_int(out, data.write_queue_nums);
  out.push_back('}');
}

void append_broker_data(std::string& out, const BrokerData& data, RouteJsonStyle style) {
  out.append(R"({"brokerAddrs":{)");
  bool first_addr = true;
  for (const auto& [id, addr] : data.broker_addrs) {
    if (!first_addr) out.push_back(',');
    first_addr = false;
    if (style == RouteJsonStyle::standard) out.push_back('"');
    append_int(out, id);
    out.append(style == RouteJsonStyle::standard ? "\":" : ":");
    JsonWriter::append_quoted(out, addr);
  }
  out.append(R"(},"brokerName":)");
  JsonWriter::append_quoted(out, data.broker_name);
  out.append(R"(,"cluster":)");
  JsonWriter::append_quoted(out, data.cluster);
  out.push_back('}');
}

void append_topic_route_data(std::string& out, std::span<const BrokerData* const> brokers,
                             std::span<const QueueData> queues, const std::string* order_topic_conf,
                             RouteJsonStyle style) {
  constexpr std::size_t kBytesPerBrokerGroup = 256;  // one BrokerData + one QueueData, typical
  out.reserve(out.size() + 64 + queues.size() * kBytesPerBrokerGroup);
  out.append(R"({"brokerDatas":[)");
  for (std::size_t i = 0; i < brokers.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_broker_data(out, *brokers[i], style);
  }
  // Filter servers are a retired feature; Java sends an empty map when none registered.
  out.append(R"(],"filterServerTable":{})");
  if (order_topic_conf != nullptr) {
    out.append(R"(,"orderTopicConf":)");
    JsonWriter::append_quoted(out, *order_topic_conf);
  }
  out.append(R"(,"queueDatas":[)");
  for (std::size_t i = 0; i < queues.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_queue_data(out, queues[i]);
  }
  out.append("]}");
}

std::string encode_topic_route_data(const TopicRouteData& route, RouteJsonStyle style) {
  std::vector<const BrokerData*> brokers;
  brokers.reserve(route.broker_datas.size());
  for (const BrokerData& b : route.broker_datas) brokers.push_back(&b);
  std::string out;
  append_topic_route_data(out, brokers, route.queue_datas, route.order_topic_conf ? &*route.order_topic_conf : nullptr,
                          style);
  return out;
}

Result<TopicRouteData> decode_topic_route_data(std::string_view body) {
  const std::string text = quote_numeric_keys(body);
  dom::parser parser;
  dom::element root;
  dom::object obj;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS ||
      root.get_object().get(obj) != simdjson::SUCCESS) {
    return json::malformed("route: body is not a JSON object");
  }
  TopicRouteData route;
  dom::array items;
  if (obj["queueDatas"].get_array().get(items) == simdjson::SUCCESS) {
    for (dom::element e : items) {
      RINGMQ_TRY_ASSIGN(QueueData q, queue_data_from(e));
      route.queue_datas.push_back(std::move(q));
    }
  }
  if (obj["brokerDatas"].get_array().get(items) == simdjson::SUCCESS) {
    for (dom::element e : items) {
      RINGMQ_TRY_ASSIGN(BrokerData b, broker_data_from(e));
      route.broker_datas.push_back(std::move(b));
    }
  }
  std::string order_conf;
  RINGMQ_TRY(json::read_string(obj, "orderTopicConf", order_conf));
  if (obj["orderTopicConf"].error() == simdjson::SUCCESS && !obj["orderTopicConf"].is_null()) {
    route.order_topic_conf = std::move(order_conf);
  }
  return route;
}

}  // namespace ringmq::protocol
