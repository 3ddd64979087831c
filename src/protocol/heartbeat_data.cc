#include "protocol/heartbeat_data.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "base/hash.h"
#include "base/json_writer.h"

namespace ringmq::protocol {
namespace {

namespace dom = simdjson::dom;

constexpr std::array<std::string_view, 3> kConsumeTypes = {"CONSUME_ACTIVELY", "CONSUME_PASSIVELY", "CONSUME_POP"};
constexpr std::array<std::string_view, 2> kMessageModels = {"BROADCASTING", "CLUSTERING"};
constexpr std::array<std::string_view, 6> kConsumeFromWhere = {
    "CONSUME_FROM_LAST_OFFSET", "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST", "CONSUME_FROM_MIN_OFFSET",
    "CONSUME_FROM_MAX_OFFSET",  "CONSUME_FROM_FIRST_OFFSET",                            "CONSUME_FROM_TIMESTAMP"};

template <typename Enum, std::size_t N>
std::optional<Enum> enum_by_name(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<Enum>(i);
  return std::nullopt;
}

// String.trim(): every char <= ' ' at either end.
std::string_view trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

// An enum field: its Java name (Java, ali-ons) or its ordinal (C++ client); else `fallback`.
template <typename Enum, std::size_t N>
Enum enum_field(dom::object o, const char* key, const std::array<std::string_view, N>& names, Enum fallback) {
  std::string_view s;
  if (o[key].get_string().get(s) == simdjson::SUCCESS) return enum_by_name<Enum>(names, s).value_or(fallback);
  std::int64_t n = 0;
  if (o[key].get_int64().get(n) == simdjson::SUCCESS && n >= 0 && static_cast<std::size_t>(n) < N) {
    return static_cast<Enum>(n);
  }
  return fallback;
}

std::string string_field(dom::object o, const char* key, std::string_view fallback = "") {
  std::string_view s;
  if (o[key].get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return std::string(fallback);
}

// A long that may arrive as a number or a string (C++ client's subVersion).
std::int64_t long_field(dom::object o, const char* key) {
  std::int64_t n = 0;
  if (o[key].get_int64().get(n) == simdjson::SUCCESS) return n;
  std::string_view s;
  if (o[key].get_string().get(s) != simdjson::SUCCESS) return 0;
  // Not a whole number in range (Java's Long.parseLong would throw): 0, as for a missing field.
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return 0;
  return n;
}

// The broker rebuilds tags and codes from subString, as Java's broker trusts only the expression.
SubscriptionData subscription_from(dom::object o) {
  SubscriptionData s = build_subscription(string_field(o, "topic"), string_field(o, "subString", kSubAll),
                                          string_field(o, "expressionType", kExpressionTypeTag));
  s.sub_version = long_field(o, "subVersion");
  bool b = false;
  if (o["classFilterMode"].get_bool().get(b) == simdjson::SUCCESS) s.class_filter_mode = b;
  return s;
}

ConsumerData consumer_from(dom::object o) {
  ConsumerData c;
  c.group_name = string_field(o, "groupName");
  c.consume_type = enum_field(o, "consumeType", kConsumeTypes, ConsumeType::passively);
  c.message_model = enum_field(o, "messageModel", kMessageModels, MessageModel::clustering);
  c.consume_from_where = enum_field(o, "consumeFromWhere", kConsumeFromWhere, ConsumeFromWhere::last_offset);
  bool b = false;
  if (o["unitMode"].get_bool().get(b) == simdjson::SUCCESS) c.unit_mode = b;
  dom::array subs;
  if (o["subscriptionDataSet"].get_array().get(subs) == simdjson::SUCCESS) {
    for (dom::element e : subs) {
      dom::object so;
      if (e.get_object().get(so) == simdjson::SUCCESS) c.subscriptions.push_back(subscription_from(so));
    }
  }
  return c;
}

}  // namespace

std::string_view consume_type_name(ConsumeType type) { return kConsumeTypes[static_cast<std::size_t>(type)]; }
std::string_view message_model_name(MessageModel model) { return kMessageModels[static_cast<std::size_t>(model)]; }
std::string_view consume_from_where_name(ConsumeFromWhere where) {
  return kConsumeFromWhere[static_cast<std::size_t>(where)];
}
std::optional<ConsumeType> parse_consume_type(std::string_view name) {
  return enum_by_name<ConsumeType>(kConsumeTypes, name);
}
std::optional<MessageModel> parse_message_model(std::string_view name) {
  return enum_by_name<MessageModel>(kMessageModels, name);
}
std::optional<ConsumeFromWhere> parse_consume_from_where(std::string_view name) {
  return enum_by_name<ConsumeFromWhere>(kConsumeFromWhere, name);
}

bool SubscriptionData::accepts(std::string_view tags) const {
  if (tags_set.empty()) return true;
  return std::find(tags_set.begin(), tags_set.end(), tags) != tags_set.end();
}

SubscriptionData build_subscription(std::string_view topic, std::string_view expression,
                                    std::string_view expression_type) {
  SubscriptionData s;
  s.topic = std::string(topic);
  if (!expression_type.empty()) s.expression_type.assign(expression_type);
  const std::string_view expr = trim(expression);
  if (expr.empty() || expr == kSubAll) return s;  // sub_string is "*" already
  s.sub_string = std::string(expression);
  if (s.expression_type != kExpressionTypeTag) return s;
  std::string_view rest = expr;
  while (!rest.empty()) {
    const auto bar = rest.find("||");
    const std::string_view tag = trim(rest.substr(0, bar));
    // tagsSet is a HashSet in Java: a repeated tag counts once.
    if (!tag.empty() && std::find(s.tags_set.begin(), s.tags_set.end(), tag) == s.tags_set.end()) {
      s.tags_set.emplace_back(tag);
      s.code_set.push_back(java_string_hash(tag));
    }
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 2);
  }
  return s;
}

void write_subscription(JsonWriter& w, const SubscriptionData& s) {
  w.begin_object().key("classFilterMode").value(s.class_filter_mode).key("codeSet").begin_array();
  for (std::int32_t c : s.code_set) w.value(c);
  w.end_array().key("expressionType").value(s.expression_type).key("subString").value(s.sub_string);
  w.key("subVersion").value(s.sub_version).key("tagsSet").begin_array();
  for (const auto& t : s.tags_set) w.value(t);
  w.end_array().key("topic").value(s.topic).end_object();
}

std::string encode_subscription(const SubscriptionData& s) {
  JsonWriter w;
  write_subscription(w, s);
  return w.take();
}

std::string encode_heartbeat(const HeartbeatData& heartbeat) {
  JsonWriter w;
  w.begin_object().key("clientID").value(heartbeat.client_id).key("consumerDataSet").begin_array();
  for (const auto& c : heartbeat.consumers) {
    w.begin_object().key("consumeFromWhere").value(consume_from_where_name(c.consume_from_where));
    w.key("consumeType").value(consume_type_name(c.consume_type));
    w.key("groupName").value(c.group_name).key("messageModel").value(message_model_name(c.message_model));
    w.key("subscriptionDataSet").begin_array();
    for (const auto& sub : c.subscriptions) write_subscription(w, sub);
    w.end_array().key("unitMode").value(c.unit_mode).end_object();
  }
  w.end_array().key("producerDataSet").begin_array();
  for (const auto& group : heartbeat.producer_groups) w.begin_object().key("groupName").value(group).end_object();
  w.end_array().end_object();
  return w.take();
}

Result<HeartbeatData> decode_heartbeat(std::string_view json) {
  thread_local dom::parser parser;
  dom::element root;
  if (parser.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS || !root.is_object()) {
    return make_error(Errc::malformed, "heartbeat body is not a JSON object");
  }
  dom::object o = root.get_object().value_unsafe();
  HeartbeatData hb;
  hb.client_id = string_field(o, "clientID");
  dom::array arr;
  if (o["producerDataSet"].get_array().get(arr) == simdjson::SUCCESS) {
    for (dom::element e : arr) {
      dom::object po;
      if (e.get_object().get(po) == simdjson::SUCCESS) hb.producer_groups.push_back(string_field(po, "groupName"));
    }
  }
  if (o["consumerDataSet"].get_array().get(arr) == simdjson::SUCCESS) {
    for (dom::element e : arr) {
      dom::object co;
      if (e.get_object().get(co) == simdjson::SUCCESS) hb.consumers.push_back(consumer_from(co));
    }
  }
  if (hb.client_id.empty()) return make_error(Errc::malformed, "heartbeat without clientID");
  return hb;
}

}  // namespace ringmq::protocol
