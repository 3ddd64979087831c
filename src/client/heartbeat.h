// HeartbeatData (ROCKETMQ-PROTOCOL.md §6.1) and the subscription expressions inside it
// (FilterAPI). Pure values and functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ringmq::client {

enum class MessageModel { clustering, broadcasting };
enum class ConsumeType { actively, passively };  // pull consumer, push consumer
enum class ConsumeFromWhere { last_offset, first_offset, timestamp };

const char* message_model_name(MessageModel model);
const char* consume_from_where_name(ConsumeFromWhere where);

struct SubscriptionData {
  std::string topic;
  std::string sub_string = "*";
  std::vector<std::string> tags_set;
  std::vector<std::int32_t> code_set;
  std::int64_t sub_version = 0;

  // Whether a message with these tags passes (exact tag match, as PullAPIWrapper filters).
  bool accepts(std::string_view tags) const;
};

// FilterAPI.buildSubscriptionData: "" or "*" = all; else tags split on "||", trimmed.
SubscriptionData build_subscription(std::string_view topic, std::string_view expression, std::int64_t sub_version);

struct ConsumerData {
  std::string group_name;
  ConsumeType consume_type = ConsumeType::passively;
  MessageModel message_model = MessageModel::clustering;
  ConsumeFromWhere consume_from_where = ConsumeFromWhere::last_offset;
  std::vector<SubscriptionData> subscriptions;
};

// The HEART_BEAT body (fastjson key order).
std::string encode_heartbeat(std::string_view client_id, const std::vector<std::string>& producer_groups,
                             const std::vector<ConsumerData>& consumers);

}  // namespace ringmq::client
