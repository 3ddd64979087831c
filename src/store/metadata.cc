#include "store/metadata.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cctype>
#include <charconv>

#include "base/json_writer.h"
#include "store/file_util.h"

namespace ringmq::store {
namespace {

namespace dom = simdjson::dom;

Result<dom::element> parse(dom::parser& parser, std::string_view json, const char* what) {
  dom::element root;
  const std::string quoted = quote_numeric_keys(json);
  if (parser.parse(quoted).get(root) != simdjson::SUCCESS || !root.is_object())
    return make_error(Errc::malformed, fmt::format("{}: not a JSON object", what));
  return root;
}

void read_int(dom::object o, const char* key, std::int64_t& out) {
  std::int64_t v;
  if (o[key].get_int64().get(v) == simdjson::SUCCESS) out = v;
}
void read_int(dom::object o, const char* key, std::int32_t& out) {
  std::int64_t v = out;
  read_int(o, key, v);
  out = static_cast<std::int32_t>(v);
}
void read_bool(dom::object o, const char* key, bool& out) {
  bool v;
  if (o[key].get_bool().get(v) == simdjson::SUCCESS) out = v;
}
void read_string(dom::object o, const char* key, std::string& out) {
  std::string_view v;
  if (o[key].get_string().get(v) == simdjson::SUCCESS) out = std::string(v);
}

void write_data_version(JsonWriter& w, const DataVersion& v) {
  w.key("dataVersion").begin_object().key("counter").value(v.counter).key("timestamp").value(v.timestamp_ms).end_object();
}
void read_data_version(dom::object root, DataVersion& v) {
  dom::object o;
  if (root["dataVersion"].get_object().get(o) != simdjson::SUCCESS) return;
  read_int(o, "counter", v.counter);
  read_int(o, "timestamp", v.timestamp_ms);
}

template <typename Int>
bool parse_int_key(std::string_view key, Int& out) {
  const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), out);
  return ec == std::errc() && end == key.data() + key.size();
}

// "{level or queueId: offset}" both ways.
void write_int_map(JsonWriter& w, const std::map<std::int32_t, std::int64_t>& m) {
  w.begin_object();
  for (const auto& [k, v] : m) w.key(std::to_string(k)).value(v);
  w.end_object();
}
Status read_int_map(dom::object o, std::map<std::int32_t, std::int64_t>& out, std::string_view what) {
  for (auto field : o) {
    std::int32_t k;
    std::int64_t v;
    if (!parse_int_key(field.key, k) || field.value.get_int64().get(v) != simdjson::SUCCESS)
      return make_error(Errc::malformed, fmt::format("{}: bad entry '{}'", what, field.key));
    out[k] = v;
  }
  return {};
}

}  // namespace

std::string quote_numeric_keys(std::string_view json) {
  std::string out;
  out.reserve(json.size() + 16);
  bool in_string = false;
  char last_structural = 0;  // last of { , : [ seen outside strings
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < json.size()) out.push_back(json[++i]);
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    const bool key_position = last_structural == '{' || last_structural == ',';
    if (key_position && (std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      std::size_t j = i + 1;
      while (j < json.size() && std::isdigit(static_cast<unsigned char>(json[j]))) ++j;
      std::size_t k = j;
      while (k < json.size() && std::isspace(static_cast<unsigned char>(json[k]))) ++k;
      if (k < json.size() && json[k] == ':') {
        out.push_back('"');
        out.append(json.substr(i, j - i));
        out.push_back('"');
        i = j - 1;
        last_structural = 0;
        continue;
      }
    }
    if (c == '{' || c == ',' || c == ':' || c == '[') last_structural = c;
    else if (!std::isspace(static_cast<unsigned char>(c))) last_structural = 0;
    out.push_back(c);
  }
  return out;
}

std::string encode_topics(const TopicConfigTable& t) {
  JsonWriter w;
  w.begin_object();
  write_data_version(w, t.data_version);
  w.key("topicConfigTable").begin_object();
  for (const auto& [name, c] : t.topics) {
    w.key(name).begin_object();
    w.key("order").value(c.order).key("perm").value(c.perm).key("readQueueNums").value(c.read_queue_nums);
    w.key("topicFilterType").value(c.topic_filter_type).key("topicName").value(c.topic_name);
    w.key("topicSysFlag").value(c.topic_sys_flag).key("writeQueueNums").value(c.write_queue_nums);
    w.end_object();
  }
  w.end_object().end_object();
  return w.take();
}

Result<TopicConfigTable> decode_topics(std::string_view json) {
  dom::parser parser;
  RINGMQ_TRY_ASSIGN(dom::element root, parse(parser, json, "topics"));
  TopicConfigTable t;
  read_data_version(root.get_object().value_unsafe(), t.data_version);
  dom::object table;
  if (root["topicConfigTable"].get_object().get(table) != simdjson::SUCCESS) return t;
  for (auto field : table) {
    dom::object o;
    if (field.value.get_object().get(o) != simdjson::SUCCESS)
      return make_error(Errc::malformed, fmt::format("topics: '{}' is not an object", field.key));
    TopicConfig c;
    c.topic_name = std::string(field.key);
    read_string(o, "topicName", c.topic_name);
    read_int(o, "readQueueNums", c.read_queue_nums);
    read_int(o, "writeQueueNums", c.write_queue_nums);
    read_int(o, "perm", c.perm);
    read_string(o, "topicFilterType", c.topic_filter_type);
    read_int(o, "topicSysFlag", c.topic_sys_flag);
    read_bool(o, "order", c.order);
    t.topics[std::string(field.key)] = std::move(c);
  }
  return t;
}

std::string encode_subscription_groups(const SubscriptionGroupTable& t) {
  JsonWriter w;
  w.begin_object();
  write_data_version(w, t.data_version);
  w.key("subscriptionGroupTable").begin_object();
  for (const auto& [name, g] : t.groups) {
    w.key(name).begin_object();
    w.key("brokerId").value(g.broker_id).key("consumeBroadcastEnable").value(g.consume_broadcast_enable);
    w.key("consumeEnable").value(g.consume_enable).key("consumeFromMinEnable").value(g.consume_from_min_enable);
    w.key("groupName").value(g.group_name).key("notifyConsumerIdsChangedEnable").value(g.notify_consumer_ids_changed_enable);
    w.key("retryMaxTimes").value(g.retry_max_times).key("retryQueueNums").value(g.retry_queue_nums);
    w.key("whichBrokerWhenConsumeSlowly").value(g.which_broker_when_consume_slowly);
    w.end_object();
  }
  w.end_object().end_object();
  return w.take();
}

Result<SubscriptionGroupTable> decode_subscription_groups(std::string_view json) {
  dom::parser parser;
  RINGMQ_TRY_ASSIGN(dom::element root, parse(parser, json, "subscription groups"));
  SubscriptionGroupTable t;
  read_data_version(root.get_object().value_unsafe(), t.data_version);
  dom::object table;
  if (root["subscriptionGroupTable"].get_object().get(table) != simdjson::SUCCESS) return t;
  for (auto field : table) {
    dom::object o;
    if (field.value.get_object().get(o) != simdjson::SUCCESS)
      return make_error(Errc::malformed, fmt::format("subscription groups: '{}' is not an object", field.key));
    SubscriptionGroupConfig g;
    g.group_name = std::string(field.key);
    read_string(o, "groupName", g.group_name);
    read_bool(o, "consumeEnable", g.consume_enable);
    read_bool(o, "consumeFromMinEnable", g.consume_from_min_enable);
    read_bool(o, "consumeBroadcastEnable", g.consume_broadcast_enable);
    read_int(o, "retryQueueNums", g.retry_queue_nums);
    read_int(o, "retryMaxTimes", g.retry_max_times);
    read_int(o, "brokerId", g.broker_id);
    read_int(o, "whichBrokerWhenConsumeSlowly", g.which_broker_when_consume_slowly);
    read_bool(o, "notifyConsumerIdsChangedEnable", g.notify_consumer_ids_changed_enable);
    t.groups[std::string(field.key)] = std::move(g);
  }
  return t;
}

std::string encode_consumer_offsets(const ConsumerOffsetTable& t) {
  JsonWriter w;
  w.begin_object().key("offsetTable").begin_object();
  for (const auto& [key, queues] : t.offsets) {
    w.key(key);
    write_int_map(w, queues);
  }
  w.end_object().end_object();
  return w.take();
}

Result<ConsumerOffsetTable> decode_consumer_offsets(std::string_view json) {
  dom::parser parser;
  RINGMQ_TRY_ASSIGN(dom::element root, parse(parser, json, "consumer offsets"));
  ConsumerOffsetTable t;
  dom::object table;
  if (root["offsetTable"].get_object().get(table) != simdjson::SUCCESS) return t;
  for (auto field : table) {
    dom::object queues;
    if (field.value.get_object().get(queues) != simdjson::SUCCESS)
      return make_error(Errc::malformed, fmt::format("consumer offsets: '{}' is not an object", field.key));
    RINGMQ_TRY(read_int_map(queues, t.offsets[std::string(field.key)], "consumer offsets"));
  }
  return t;
}

std::string encode_delay_offsets(const DelayOffsetTable& t) {
  JsonWriter w;
  w.begin_object().key("offsetTable");
  write_int_map(w, t.offsets);
  w.end_object();
  return w.take();
}

Result<DelayOffsetTable> decode_delay_offsets(std::string_view json) {
  dom::parser parser;
  RINGMQ_TRY_ASSIGN(dom::element root, parse(parser, json, "delay offsets"));
  DelayOffsetTable t;
  dom::object table;
  if (root["offsetTable"].get_object().get(table) != simdjson::SUCCESS) return t;
  RINGMQ_TRY(read_int_map(table, t.offsets, "delay offsets"));
  return t;
}

Status save_config_file(const std::string& path, std::string_view json) {
  if (path_exists(path)) {
    RINGMQ_TRY_ASSIGN(std::string previous, read_whole_file(path));
    RINGMQ_TRY(write_file_atomic(path + ".bak", previous));
  }
  return write_file_atomic(path, json);
}

Result<std::string> load_config_file(const std::string& path, bool (*valid)(std::string_view)) {
  if (path_exists(path)) {
    Result<std::string> main = read_whole_file(path);
    if (main.ok() && (valid == nullptr || valid(*main))) return main;
  }
  const std::string bak = path + ".bak";
  if (path_exists(bak)) return read_whole_file(bak);
  return make_error(Errc::not_found, "no " + path + " nor " + bak);
}

}  // namespace ringmq::store
