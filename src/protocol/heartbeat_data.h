// HeartbeatData, ConsumerData and SubscriptionData (HEART_BEAT body, docs/PROTOCOL.md §6.1) and
// FilterAPI's tag-expression parser. The client encodes the body, the broker decodes it and
// echoes SubscriptionData back in GET_CONSUMER_CONNECTION_LIST. The decoder accepts every dialect
// seen on the wire (§15): Java/ali-ons enum names, the C++ client's enum ordinals and string
// subVersion. Pure values and functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmq {
class JsonWriter;
}

namespace ringmq::protocol {

// Java's enums, in ordinal order (the C++ client sends ordinals).
enum class ConsumeType { actively, passively, pop };  // pull consumer, push consumer, 5.x pop
enum class MessageModel { broadcasting, clustering };
enum class ConsumeFromWhere {
  last_offset,
  last_offset_and_from_min_when_boot_first,
  min_offset,
  max_offset,
  first_offset,
  timestamp,
};

std::string_view consume_type_name(ConsumeType type);
std::string_view message_model_name(MessageModel model);
std::string_view consume_from_where_name(ConsumeFromWhere where);
std::optional<ConsumeType> parse_consume_type(std::string_view name);
std::optional<MessageModel> parse_message_model(std::string_view name);
std::optional<ConsumeFromWhere> parse_consume_from_where(std::string_view name);

inline constexpr std::string_view kExpressionTypeTag = "TAG";
inline constexpr std::string_view kSubAll = "*";

// A topic's subscription expression, parsed as FilterAPI does.
struct SubscriptionData {
  std::string topic;
  std::string sub_string = std::string(kSubAll);
  std::string expression_type = std::string(kExpressionTypeTag);
  std::vector<std::string> tags_set;
  std::vector<std::int32_t> code_set;  // Java hashCode of each tag
  std::int64_t sub_version = 0;
  bool class_filter_mode = false;

  bool all() const { return sub_string.empty() || sub_string == kSubAll; }
  // Whether a message with these tags passes (exact tag match, as PullAPIWrapper filters).
  bool accepts(std::string_view tags) const;
};

struct ConsumerData {
  std::string group_name;
  ConsumeType consume_type = ConsumeType::passively;
  MessageModel message_model = MessageModel::clustering;
  ConsumeFromWhere consume_from_where = ConsumeFromWhere::last_offset;
  std::vector<SubscriptionData> subscriptions;
  bool unit_mode = false;
};

struct HeartbeatData {
  std::string client_id;
  std::vector<std::string> producer_groups;
  std::vector<ConsumerData> consumers;
};

// FilterAPI.buildSubscriptionData: empty or "*" = everything; otherwise (for TAG expressions) tags
// split on "||", trimmed, empties and repeats dropped, each with its Java hashCode.
SubscriptionData build_subscription(std::string_view topic, std::string_view expression,
                                    std::string_view expression_type = kExpressionTypeTag);

// fastjson's shapes (alphabetical keys).
void write_subscription(JsonWriter& w, const SubscriptionData& s);
std::string encode_subscription(const SubscriptionData& s);
std::string encode_heartbeat(const HeartbeatData& heartbeat);
// Errors: malformed (not a JSON object, no clientID).
Result<HeartbeatData> decode_heartbeat(std::string_view json);

}  // namespace ringmq::protocol
