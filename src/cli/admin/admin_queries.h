// Reads several admin commands share: a topic's per-queue offsets (GET_TOPIC_STATS_INFO), a
// group's consume progress (GET_CONSUME_STATS), who consumes a topic (QUERY_TOPIC_CONSUME_BY_WHO),
// each gathered from every master of a route and merged in MessageQueue order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/admin/admin_session.h"
#include "client/topic_route.h"

namespace ringmq::cli {

struct QueueOffsets {
  std::string topic;
  std::string broker_name;
  std::int32_t queue_id = 0;
  std::int64_t min_offset = 0;
  std::int64_t max_offset = 0;
  std::int64_t last_update_timestamp = 0;
};

struct ConsumeProgress {
  std::string topic;
  std::string broker_name;
  std::int32_t queue_id = 0;
  std::int64_t broker_offset = 0;
  std::int64_t consumer_offset = 0;
  std::int64_t last_timestamp = 0;
};

struct GroupConsumeStats {
  std::vector<ConsumeProgress> queues;  // sorted by (topic, brokerName, queueId)
  double consume_tps = 0;
  std::int64_t diff_total() const;
};

// The masters of a route's broker groups, in brokerName order.
std::vector<std::string> master_addrs(const client::TopicRouteData& route);

Result<std::vector<QueueOffsets>> fetch_topic_stats(AdminSession& s, const client::TopicRouteData& route,
                                                    const std::string& topic);
// DefaultMQAdminExt#examineConsumeStats: asks the masters of %RETRY%group's route (every master of
// every cluster when the group has no retry topic yet); `topic` empty = every topic of the group.
Result<GroupConsumeStats> fetch_consume_stats(AdminSession& s, const std::string& group, const std::string& topic);
Result<std::vector<std::string>> query_topic_consume_by_who(AdminSession& s, const client::TopicRouteData& route,
                                                            const std::string& topic);

}  // namespace ringmq::cli
