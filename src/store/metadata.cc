#include "store/metadata.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>

#include "base/json_writer.h"
#include "protocol/fastjson.h"
#include "protocol/json_fields.h"
#include "store/file_util.h"

namespace ringmq::store {
namespace {

namespace dom = simdjson::dom;

Result<dom::element> parse(dom::parser& parser, std::string_view json, const char* what) {
  dom::element root;
  const std::string quoted = protocol::quote_numeric_keys(json);
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

void write_data_version_field(JsonWriter& w, const DataVersion& v) {
  w.key("dataVersion");
  protocol::write_data_version(w, v);
}
void read_data_version(dom::object root, DataVersion& v) {
  dom::element e;
  if (root["dataVersion"].get(e) != simdjson::SUCCESS) return;
  Result<DataVersion> read = protocol::json::data_version_from(e);
  if (read.ok()) v = *read;
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

// fastjson's shape of a SubscriptionGroupConfig (keys alphabetical).
void write_subscription_group(JsonWriter& w, const SubscriptionGroupConfig& g) {
  w.begin_object();
  w.key("brokerId").value(g.broker_id).key("consumeBroadcastEnable").value(g.consume_broadcast_enable);
  w.key("consumeEnable").value(g.consume_enable).key("consumeFromMinEnable").value(g.consume_from_min_enable);
  w.key("groupName").value(g.group_name).key("notifyConsumerIdsChangedEnable").value(g.notify_consumer_ids_changed_enable);
  w.key("retryMaxTimes").value(g.retry_max_times).key("retryQueueNums").value(g.retry_queue_nums);
  w.key("whichBrokerWhenConsumeSlowly").value(g.which_broker_when_consume_slowly);
  w.end_object();
}

}  // namespace

std::string encode_subscription_groups(const SubscriptionGroupTable& t) {
  JsonWriter w;
  w.begin_object();
  write_data_version_field(w, t.data_version);
  w.key("subscriptionGroupTable").begin_object();
  for (const auto& [name, g] : t.groups) {
    w.key(name);
    write_subscription_group(w, g);
  }
  w.end_object().end_object();
  return w.take();
}

std::string encode_subscription_group(const SubscriptionGroupConfig& g) {
  JsonWriter w;
  write_subscription_group(w, g);
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
