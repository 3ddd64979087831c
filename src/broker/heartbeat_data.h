// HeartbeatData (HEART_BEAT body, ROCKETMQ-PROTOCOL.md §6.1) and FilterAPI's tag expression
// parsing. Accepts every dialect seen on the wire (§15): Java/ali-ons enum names, the C++ client's
// enum ordinals and string subVersion, a trailing newline. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "broker/consumer_snapshot.h"

namespace ringmq::broker {

struct ConsumerData {
  std::string group_name;
  std::string consume_type = "CONSUME_PASSIVELY";
  std::string message_model = "CLUSTERING";
  std::string consume_from_where = "CONSUME_FROM_LAST_OFFSET";
  std::vector<SubscriptionData> subscriptions;
  bool unit_mode = false;
};

struct HeartbeatData {
  std::string client_id;
  std::vector<std::string> producer_groups;
  std::vector<ConsumerData> consumers;
};

Result<HeartbeatData> parse_heartbeat(std::string_view json);

// FilterAPI.buildSubscriptionData: empty or "*" = everything; otherwise tags split on "||",
// trimmed, empties dropped, each with its Java hashCode.
SubscriptionData build_subscription(std::string_view topic, std::string_view expression,
                                    std::string_view expression_type = "TAG");

// SubscriptionData as fastjson writes it (for GET_CONSUMER_CONNECTION_LIST).
std::string encode_subscription(const SubscriptionData& s);

}  // namespace ringmq::broker
