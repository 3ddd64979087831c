#include "client/topic_route.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ringmq::client {

namespace dom = simdjson::dom;

namespace {

// fastjson's default form writes Map<Long,..> keys bare ({0:"a"}); quote them so a standard JSON
// parser accepts the body. Only a digit run right after '{' or ',' (outside strings) is a key.
std::string quote_numeric_keys(std::string_view json) {
  std::string out;
  out.reserve(json.size() + 16);
  bool in_string = false;
  char last_structural = 0;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < json.size()) out += json[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if ((last_structural == '{' || last_structural == ',') && (std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      std::size_t end = i;
      while (end < json.size() && (std::isdigit(static_cast<unsigned char>(json[end])) || json[end] == '-')) ++end;
      out += '"';
      out.append(json.substr(i, end - i));
      out += '"';
      i = end - 1;
      last_structural = 0;
      continue;
    }
    if (!std::isspace(static_cast<unsigned char>(c))) last_structural = c;
    out += c;
  }
  return out;
}

std::int32_t int_field(dom::object obj, std::string_view key) {
  std::int64_t v = 0;
  if (obj[key].get_int64().get(v) != simdjson::SUCCESS) return 0;
  return static_cast<std::int32_t>(v);
}

std::string string_field(dom::object obj, std::string_view key) {
  std::string_view v;
  if (obj[key].get_string().get(v) != simdjson::SUCCESS) return {};
  return std::string(v);
}

Result<BrokerData> parse_broker_data(dom::object obj) {
  BrokerData broker;
  broker.cluster = string_field(obj, "cluster");
  broker.broker_name = string_field(obj, "brokerName");
  dom::object addrs;
  if (obj["brokerAddrs"].get_object().get(addrs) == simdjson::SUCCESS) {
    for (auto field : addrs) {
      std::int64_t id = 0;
      auto [ptr, ec] = std::from_chars(field.key.data(), field.key.data() + field.key.size(), id);
      std::string_view addr;
      if (ec != std::errc() || field.value.get_string().get(addr) != simdjson::SUCCESS)
        return make_error(Errc::malformed, "route: bad brokerAddrs entry");
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

Result<TopicRouteData> parse_topic_route(std::string_view json) {
  const std::string text = quote_numeric_keys(json);
  dom::parser parser;
  dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS)
    return make_error(Errc::malformed, "route: body is not JSON");
  TopicRouteData route;
  dom::array queues;
  if (root["queueDatas"].get_array().get(queues) == simdjson::SUCCESS) {
    for (dom::element e : queues) {
      dom::object q;
      if (e.get_object().get(q) != simdjson::SUCCESS) return make_error(Errc::malformed, "route: bad QueueData");
      route.queue_datas.push_back({string_field(q, "brokerName"), int_field(q, "readQueueNums"),
                                   int_field(q, "writeQueueNums"), int_field(q, "perm"), int_field(q, "topicSysFlag")});
    }
  }
  dom::array brokers;
  if (root["brokerDatas"].get_array().get(brokers) == simdjson::SUCCESS) {
    for (dom::element e : brokers) {
      dom::object b;
      if (e.get_object().get(b) != simdjson::SUCCESS) return make_error(Errc::malformed, "route: bad BrokerData");
      RINGMQ_TRY_ASSIGN(BrokerData broker, parse_broker_data(b));
      route.broker_datas.push_back(std::move(broker));
    }
  }
  return route;
}

std::vector<MessageQueue> publish_queues(const TopicRouteData& route, std::string_view topic) {
  std::vector<const QueueData*> sorted;
  for (const auto& q : route.queue_datas) sorted.push_back(&q);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->broker_name < b->broker_name; });
  std::vector<MessageQueue> out;
  for (const QueueData* q : sorted) {
    if ((q->perm & kPermWrite) == 0 || !route.master_address(q->broker_name)) continue;
    for (std::int32_t i = 0; i < q->write_queue_nums; ++i) out.push_back({std::string(topic), q->broker_name, i});
  }
  return out;
}

std::vector<MessageQueue> publish_queues_for_new_topic(const TopicRouteData& template_route, std::string_view topic,
                                                       std::int32_t default_queue_nums) {
  TopicRouteData route = template_route;
  for (auto& q : route.queue_datas) {
    q.write_queue_nums = std::min(default_queue_nums, q.write_queue_nums);
    q.read_queue_nums = std::min(default_queue_nums, q.read_queue_nums);
  }
  return publish_queues(route, topic);
}

std::vector<MessageQueue> subscribe_queues(const TopicRouteData& route, std::string_view topic) {
  std::vector<MessageQueue> out;
  for (const auto& q : route.queue_datas) {
    if ((q.perm & kPermRead) == 0) continue;
    for (std::int32_t i = 0; i < q.read_queue_nums; ++i) out.push_back({std::string(topic), q.broker_name, i});
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<BrokerAddress> find_broker_address_in_subscribe(const TopicRouteData& route,
                                                              std::string_view broker_name, std::int64_t broker_id) {
  const BrokerData* broker = route.find_broker(broker_name);
  if (broker == nullptr || broker->broker_addrs.empty()) return std::nullopt;
  auto it = broker->broker_addrs.find(broker_id);
  if (it == broker->broker_addrs.end() && broker_id != kMasterId) it = broker->broker_addrs.find(broker_id + 1);
  if (it == broker->broker_addrs.end()) it = broker->broker_addrs.begin();
  return BrokerAddress{it->second, it->first != kMasterId};
}

}  // namespace ringmq::client
