#include "client/heartbeat.h"

#include <algorithm>

#include "base/hash.h"
#include "base/json_writer.h"

namespace ringmq::client {

const char* message_model_name(MessageModel model) {
  return model == MessageModel::clustering ? "CLUSTERING" : "BROADCASTING";
}

const char* consume_from_where_name(ConsumeFromWhere where) {
  switch (where) {
    case ConsumeFromWhere::last_offset: return "CONSUME_FROM_LAST_OFFSET";
    case ConsumeFromWhere::first_offset: return "CONSUME_FROM_FIRST_OFFSET";
    case ConsumeFromWhere::timestamp: return "CONSUME_FROM_TIMESTAMP";
  }
  return "CONSUME_FROM_LAST_OFFSET";
}

bool SubscriptionData::accepts(std::string_view tags) const {
  if (tags_set.empty()) return true;
  return std::find(tags_set.begin(), tags_set.end(), tags) != tags_set.end();
}

SubscriptionData build_subscription(std::string_view topic, std::string_view expression, std::int64_t sub_version) {
  SubscriptionData sub;
  sub.topic = std::string(topic);
  sub.sub_version = sub_version;
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  expression = trim(expression);
  if (expression.empty() || expression == "*") return sub;
  sub.sub_string = std::string(expression);
  while (!expression.empty()) {
    const std::size_t bar = expression.find("||");
    std::string_view tag = trim(expression.substr(0, bar));
    if (!tag.empty()) {
      sub.tags_set.emplace_back(tag);
      sub.code_set.push_back(java_string_hash(tag));
    }
    if (bar == std::string_view::npos) break;
    expression.remove_prefix(bar + 2);
  }
  return sub;
}

namespace {

void write_subscription(JsonWriter& w, const SubscriptionData& sub) {
  w.begin_object().key("classFilterMode").value(false).key("codeSet").begin_array();
  for (auto code : sub.code_set) w.value(code);
  w.end_array().key("expressionType").value("TAG").key("subString").value(sub.sub_string);
  w.key("subVersion").value(sub.sub_version).key("tagsSet").begin_array();
  for (const auto& tag : sub.tags_set) w.value(tag);
  w.end_array().key("topic").value(sub.topic).end_object();
}

}  // namespace

std::string encode_heartbeat(std::string_view client_id, const std::vector<std::string>& producer_groups,
                             const std::vector<ConsumerData>& consumers) {
  JsonWriter w;
  w.begin_object().key("clientID").value(client_id).key("consumerDataSet").begin_array();
  for (const auto& c : consumers) {
    w.begin_object().key("consumeFromWhere").value(consume_from_where_name(c.consume_from_where));
    w.key("consumeType").value(c.consume_type == ConsumeType::actively ? "CONSUME_ACTIVELY" : "CONSUME_PASSIVELY");
    w.key("groupName").value(c.group_name).key("messageModel").value(message_model_name(c.message_model));
    w.key("subscriptionDataSet").begin_array();
    for (const auto& sub : c.subscriptions) write_subscription(w, sub);
    w.end_array().key("unitMode").value(false).end_object();
  }
  w.end_array().key("producerDataSet").begin_array();
  for (const auto& group : producer_groups) w.begin_object().key("groupName").value(group).end_object();
  w.end_array().end_object();
  return w.take();
}

}  // namespace ringmq::client
