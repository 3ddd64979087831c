// The two queue sets a client derives from a TopicRouteData (docs/PROTOCOL.md §3.6, defined
// once in protocol/route_data.h) (MQClientInstance#topicRouteData2TopicPublishInfo
// and #topicRouteData2TopicSubscribeInfo). Pure values and functions; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/message.h"
#include "protocol/perm.h"
#include "protocol/route_data.h"

namespace ringmq::client {

using protocol::BrokerData;
using protocol::kMasterId;
using protocol::QueueData;
using protocol::TopicRouteData;
namespace perm = protocol::perm;

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
