// TopicRouteData (ROCKETMQ-PROTOCOL.md §3.6) as the client reads it from GET_ROUTEINFO_BY_TOPIC,
// and the two queue sets a client derives from it (MQClientInstance#topicRouteData2TopicPublishInfo
// and #topicRouteData2TopicSubscribeInfo). Pure values and functions; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/message.h"

namespace ringmq::client {

inline constexpr std::int32_t kPermWrite = 0x2;
inline constexpr std::int32_t kPermRead = 0x4;
inline constexpr std::int64_t kMasterId = 0;

struct QueueData {
  std::string broker_name;
  std::int32_t read_queue_nums = 0;
  std::int32_t write_queue_nums = 0;
  std::int32_t perm = 0;
  std::int32_t topic_sys_flag = 0;
};

struct BrokerData {
  std::string cluster;
  std::string broker_name;
  std::map<std::int64_t, std::string> broker_addrs;  // brokerId -> "host:port"
};

struct TopicRouteData {
  std::vector<QueueData> queue_datas;
  std::vector<BrokerData> broker_datas;

  const BrokerData* find_broker(std::string_view broker_name) const;
  // The master's address of a broker group, or nullopt (no master registered).
  std::optional<std::string> master_address(std::string_view broker_name) const;
};

// Parses the JSON body; accepts both the standard form and fastjson's unquoted numeric map keys
// ({0:"addr"}). Errors: malformed.
Result<TopicRouteData> parse_topic_route(std::string_view json);

// Publish queues: QueueDatas sorted by brokerName; for each writable one whose broker group has a
// master, (topic, brokerName, 0..writeQueueNums-1).
std::vector<MessageQueue> publish_queues(const TopicRouteData& route, std::string_view topic);
// The same for a topic that does not exist yet, from the route of TBW102: each broker group gets
// min(default_queue_nums, writeQueueNums) queues, as the broker will create them on first send.
std::vector<MessageQueue> publish_queues_for_new_topic(const TopicRouteData& template_route, std::string_view topic,
                                                       std::int32_t default_queue_nums);
// Subscribe queues: every readable QueueData x 0..readQueueNums-1, in MessageQueue order.
std::vector<MessageQueue> subscribe_queues(const TopicRouteData& route, std::string_view topic);

// findBrokerAddressInSubscribe (§12.4): the address of broker `broker_id` of the group; if absent
// and the id is not the master's, id+1; otherwise any address. `is_slave` tells which was chosen.
struct BrokerAddress {
  std::string address;
  bool is_slave = false;
};
std::optional<BrokerAddress> find_broker_address_in_subscribe(const TopicRouteData& route,
                                                              std::string_view broker_name, std::int64_t broker_id);

}  // namespace ringmq::client
