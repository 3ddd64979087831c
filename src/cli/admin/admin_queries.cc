#include "cli/admin/admin_queries.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/topic_validator.h"

namespace ringmq::cli {

namespace req = remoting::request_code;
namespace rc = remoting::response_code;

std::vector<std::string> master_addrs(const client::TopicRouteData& route) {
  std::vector<std::pair<std::string, std::string>> named;
  for (const auto& b : route.broker_datas) {
    auto it = b.broker_addrs.find(client::kMasterId);
    if (it != b.broker_addrs.end()) named.emplace_back(b.broker_name, it->second);
  }
  std::sort(named.begin(), named.end());
  std::vector<std::string> out;
  for (auto& [name, addr] : named) out.push_back(std::move(addr));
  return out;
}

Result<std::vector<QueueOffsets>> fetch_topic_stats(AdminSession& s, const client::TopicRouteData& route,
                                                    const std::string& topic) {
  std::vector<QueueOffsets> out;
  for (const auto& addr : master_addrs(route)) {
    auto r = AdminSession::request(req::kGetTopicStatsInfo);
    r.ext_fields.set("topic", topic);
    RINGMQ_TRY_ASSIGN(auto response, s.call_broker(addr, std::move(r)));
    RINGMQ_TRY_ASSIGN(JsonValue body, AdminSession::parse_body(response, "broker " + addr + ": topic stats"));
    const JsonValue* table = body.get("offsetTable");
    if (table == nullptr) continue;
    for (const auto& [mq, offsets] : table->members) {
      out.push_back(QueueOffsets{mq.str("topic", topic), mq.str("brokerName"),
                                 static_cast<std::int32_t>(mq.int64("queueId")), offsets.int64("minOffset"),
                                 offsets.int64("maxOffset"), offsets.int64("lastUpdateTimestamp")});
    }
  }
  std::sort(out.begin(), out.end(), [](const QueueOffsets& a, const QueueOffsets& b) {
    return std::tie(a.topic, a.broker_name, a.queue_id) < std::tie(b.topic, b.broker_name, b.queue_id);
  });
  return out;
}

std::int64_t GroupConsumeStats::diff_total() const {
  std::int64_t total = 0;
  for (const auto& q : queues) total += q.broker_offset - q.consumer_offset;
  return total;
}

namespace {

Result<std::vector<std::string>> consume_stats_targets(AdminSession& s, const std::string& group) {
  auto route = s.topic_route(std::string(remoting::kRetryGroupTopicPrefix) + group);
  if (route.ok() && !route->broker_datas.empty()) return master_addrs(*route);
  std::vector<std::string> out;
  RINGMQ_TRY_ASSIGN(ClusterInfo info, s.cluster_info());
  for (const auto& [name, b] : info.brokers) {
    auto it = b.broker_addrs.find(client::kMasterId);
    if (it != b.broker_addrs.end()) out.push_back(it->second);
  }
  return out;
}

}  // namespace

Result<GroupConsumeStats> fetch_consume_stats(AdminSession& s, const std::string& group, const std::string& topic) {
  RINGMQ_TRY_ASSIGN(auto addrs, consume_stats_targets(s, group));
  GroupConsumeStats stats;
  for (const auto& addr : addrs) {
    auto r = AdminSession::request(req::kGetConsumeStats);
    r.ext_fields.set("consumerGroup", group);
    if (!topic.empty()) r.ext_fields.set("topic", topic);
    RINGMQ_TRY_ASSIGN(auto response, s.call_broker(addr, std::move(r)));
    RINGMQ_TRY_ASSIGN(JsonValue body, AdminSession::parse_body(response, "broker " + addr + ": consume stats"));
    stats.consume_tps += body.number("consumeTps");
    const JsonValue* table = body.get("offsetTable");
    if (table == nullptr) continue;
    for (const auto& [mq, w] : table->members) {
      stats.queues.push_back(ConsumeProgress{mq.str("topic"), mq.str("brokerName"),
                                             static_cast<std::int32_t>(mq.int64("queueId")), w.int64("brokerOffset"),
                                             w.int64("consumerOffset"), w.int64("lastTimestamp")});
    }
  }
  std::sort(stats.queues.begin(), stats.queues.end(), [](const ConsumeProgress& a, const ConsumeProgress& b) {
    return std::tie(a.topic, a.broker_name, a.queue_id) < std::tie(b.topic, b.broker_name, b.queue_id);
  });
  return stats;
}

Result<std::vector<std::string>> query_topic_consume_by_who(AdminSession& s, const client::TopicRouteData& route,
                                                            const std::string& topic) {
  std::set<std::string> groups;
  for (const auto& addr : master_addrs(route)) {
    auto r = AdminSession::request(req::kQueryTopicConsumeByWho);
    r.ext_fields.set("topic", topic);
    RINGMQ_TRY_ASSIGN(auto response, s.call_broker(addr, std::move(r)));
    RINGMQ_TRY_ASSIGN(JsonValue body, AdminSession::parse_body(response, "broker " + addr + ": group list"));
    if (const JsonValue* list = body.get("groupList")) {
      for (const auto& g : list->items) groups.insert(g.as_text());
    }
  }
  return std::vector<std::string>(groups.begin(), groups.end());
}

}  // namespace ringmq::cli
