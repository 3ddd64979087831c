#include "broker/heartbeat_data.h"

#include <simdjson.h>

#include "base/hash.h"
#include "base/json_writer.h"

namespace ringmq::broker {
namespace {

namespace dom = simdjson::dom;

// Java enum constants by ordinal, for the C++ client's numeric enums.
constexpr std::string_view kConsumeTypes[] = {"CONSUME_ACTIVELY", "CONSUME_PASSIVELY", "CONSUME_POP"};
constexpr std::string_view kMessageModels[] = {"BROADCASTING", "CLUSTERING"};
constexpr std::string_view kConsumeFromWhere[] = {
    "CONSUME_FROM_LAST_OFFSET", "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST", "CONSUME_FROM_MIN_OFFSET",
    "CONSUME_FROM_MAX_OFFSET",  "CONSUME_FROM_FIRST_OFFSET",                            "CONSUME_FROM_TIMESTAMP"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A string field, or the enum name for a number (C++ client), or `fallback`.
template <std::size_t N>
std::string enum_field(dom::object o, const char* key, const std::string_view (&names)[N], std::string_view fallback) {
  std::string_view s;
  if (o[key].get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  std::int64_t n = 0;
  if (o[key].get_int64().get(n) == simdjson::SUCCESS && n >= 0 && static_cast<std::size_t>(n) < N) {
    return std::string(names[n]);
  }
  return std::string(fallback);
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
  if (o[key].get_string().get(s) == simdjson::SUCCESS) {
    n = 0;
    bool neg = !s.empty() && s.front() == '-';
    for (char c : s.substr(neg ? 1 : 0)) {
      if (c < '0' || c > '9') return 0;
      n = n * 10 + (c - '0');
    }
    return neg ? -n : n;
  }
  return 0;
}

SubscriptionData parse_subscription(dom::object o) {
  SubscriptionData s = build_subscription(string_field(o, "topic"), string_field(o, "subString", "*"),
                                          string_field(o, "expressionType", "TAG"));
  s.sub_version = long_field(o, "subVersion");
  bool b = false;
  if (o["classFilterMode"].get_bool().get(b) == simdjson::SUCCESS) s.class_filter_mode = b;
  return s;
}

ConsumerData parse_consumer(dom::object o) {
  ConsumerData c;
  c.group_name = string_field(o, "groupName");
  c.consume_type = enum_field(o, "consumeType", kConsumeTypes, "CONSUME_PASSIVELY");
  c.message_model = enum_field(o, "messageModel", kMessageModels, "CLUSTERING");
  c.consume_from_where = enum_field(o, "consumeFromWhere", kConsumeFromWhere, "CONSUME_FROM_LAST_OFFSET");
  bool b = false;
  if (o["unitMode"].get_bool().get(b) == simdjson::SUCCESS) c.unit_mode = b;
  dom::array subs;
  if (o["subscriptionDataSet"].get_array().get(subs) == simdjson::SUCCESS) {
    for (dom::element e : subs) {
      dom::object so;
      if (e.get_object().get(so) == simdjson::SUCCESS) c.subscriptions.push_back(parse_subscription(so));
    }
  }
  return c;
}

}  // namespace

Result<HeartbeatData> parse_heartbeat(std::string_view json) {
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
      if (e.get_object().get(co) == simdjson::SUCCESS) hb.consumers.push_back(parse_consumer(co));
    }
  }
  if (hb.client_id.empty()) return make_error(Errc::malformed, "heartbeat without clientID");
  return hb;
}

SubscriptionData build_subscription(std::string_view topic, std::string_view expression,
                                    std::string_view expression_type) {
  SubscriptionData s;
  s.topic = std::string(topic);
  if (!expression_type.empty()) s.expression_type.assign(expression_type.data(), expression_type.size());
  const std::string_view expr = trim(expression);
  if (expr.empty() || expr == "*") return s;  // sub_string is "*" already
  s.sub_string = std::string(expression);
  if (s.expression_type != "TAG") return s;
  std::string_view rest = expr;
  while (!rest.empty()) {
    const auto bar = rest.find("||");
    std::string_view tag = trim(rest.substr(0, bar));
    if (!tag.empty()) {
      s.tags.emplace_back(tag);
      s.codes.push_back(java_string_hash(tag));
    }
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 2);
  }
  return s;
}

std::string encode_subscription(const SubscriptionData& s) {
  JsonWriter w;
  w.begin_object().key("classFilterMode").value(s.class_filter_mode).key("codeSet").begin_array();
  for (std::int32_t c : s.codes) w.value(c);
  w.end_array().key("expressionType").value(s.expression_type).key("subString").value(s.sub_string);
  w.key("subVersion").value(s.sub_version).key("tagsSet").begin_array();
  for (const auto& t : s.tags) w.value(t);
  w.end_array().key("topic").value(s.topic).end_object();
  return w.take();
}

}  // namespace ringmq::broker
