// QueueData, BrokerData and TopicRouteData (GET_ROUTEINFO_BY_TOPIC's body, docs/PROTOCOL.md
// §3.6): the NameServer writes them, the client reads them. Writers append fastjson's bytes
// (alphabetical keys) straight into a string: the NameServer answers every client's route refresh
// with them, so they skip JsonWriter's bookkeeping.
//
// BrokerData.brokerAddrs is a Map<Long,String>, whose keys come in two styles. fastjson's default
// writes them unquoted, {0:"addr"}, which is not JSON but is what old clients (ali-ons sends
// version 121, the C++ client 333) were tested against; 4.9.4 sends standard quoted keys to clients
// of version >= 401 or that set acceptStandardJsonOnly. The reader accepts both.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmq::protocol {

// One broker group's queues for one topic (a TopicRouteData.queueDatas element).
struct QueueData {
  std::string broker_name;
  std::int32_t read_queue_nums = 0;
  std::int32_t write_queue_nums = 0;
  std::int32_t perm = 0;
  std::int32_t topic_sys_flag = 0;

  friend bool operator==(const QueueData&, const QueueData&) = default;
};

// A broker group: one brokerName, its master (id 0) and slaves, by brokerId.
struct BrokerData {
  std::string cluster;
  std::string broker_name;
  std::map<std::int64_t, std::string> broker_addrs;  // sorted by id, as Java's HashMap<Long,..> prints

  friend bool operator==(const BrokerData&, const BrokerData&) = default;
};

struct TopicRouteData {
  std::vector<QueueData> queue_datas;
  std::vector<BrokerData> broker_datas;
  std::optional<std::string> order_topic_conf;

  const BrokerData* find_broker(std::string_view broker_name) const;
  // The master's address of a broker group, or nullopt (no master registered).
  std::optional<std::string> master_address(std::string_view broker_name) const;
};

enum class RouteJsonStyle { fastjson_legacy, standard };

// {"brokerName":..,"perm":..,"readQueueNums":..,"topicSysFlag":..,"writeQueueNums":..}
void append_queue_data(std::string& out, const QueueData& data);
// {"brokerAddrs":{id:addr,..},"brokerName":..,"cluster":..}
void append_broker_data(std::string& out, const BrokerData& data, RouteJsonStyle style);
// The whole body: {"brokerDatas":[..],"filterServerTable":{},["orderTopicConf":..,]"queueDatas":[..]}.
// Brokers by pointer: the NameServer answers from its tables without copying them into a
// TopicRouteData.
void append_topic_route_data(std::string& out, std::span<const BrokerData* const> brokers,
                             std::span<const QueueData> queues, const std::string* order_topic_conf,
                             RouteJsonStyle style);
std::string encode_topic_route_data(const TopicRouteData& route, RouteJsonStyle style);

// Parses the body in either key style. Errors: malformed.
Result<TopicRouteData> decode_topic_route_data(std::string_view json);

}  // namespace ringmq::protocol
