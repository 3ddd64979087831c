#include "client/topic_route.h"

#include <algorithm>

namespace ringmq::client {

std::vector<MessageQueue> publish_queues(const TopicRouteData& route, std::string_view topic) {
  std::vector<const QueueData*> sorted;
  for (const auto& q : route.queue_datas) sorted.push_back(&q);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->broker_name < b->broker_name; });
  std::vector<MessageQueue> out;
  for (const QueueData* q : sorted) {
    if (!perm::is_writeable(q->perm) || !route.master_address(q->broker_name)) continue;
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
    if (!perm::is_readable(q.perm)) continue;
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
