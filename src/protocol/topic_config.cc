#include "protocol/topic_config.h"

#include <fmt/format.h>

#include "base/json_writer.h"
#include "protocol/json_fields.h"

namespace ringmq::protocol {

namespace json {

Result<DataVersion> data_version_from(dom::element element) {
  dom::object obj;
  if (element.get_object().get(obj) != simdjson::SUCCESS) return malformed("dataVersion is not an object");
  DataVersion version;
  RINGMQ_TRY(read_int64(obj, "counter", version.counter));
  RINGMQ_TRY(read_int64(obj, "timestamp", version.timestamp));
  RINGMQ_TRY_ASSIGN(version.state_version, optional_int64(obj, "stateVersion"));
  return version;
}

Result<TopicConfig> topic_config_from(std::string_view map_key, dom::element element) {
  dom::object obj;
  if (element.get_object().get(obj) != simdjson::SUCCESS) {
    return malformed(fmt::format("topic config \"{}\" is not an object", map_key));
  }
  TopicConfig config;
  config.topic_name.assign(map_key);
  RINGMQ_TRY(read_string(obj, "topicName", config.topic_name));
  RINGMQ_TRY(read_int32(obj, "readQueueNums", config.read_queue_nums));
  RINGMQ_TRY(read_int32(obj, "writeQueueNums", config.write_queue_nums));
  RINGMQ_TRY(read_int32(obj, "perm", config.perm));
  RINGMQ_TRY(read_int32(obj, "topicSysFlag", config.topic_sys_flag));
  RINGMQ_TRY(read_string(obj, "topicFilterType", config.topic_filter_type));
  RINGMQ_TRY(read_bool(obj, "order", config.order));
  if (config.topic_name.empty()) return malformed("topic config without a topic name");
  return config;
}

Status topic_config_wrapper_from(dom::object wrapper, DataVersion& version,
                                 const std::function<void(std::string_view, TopicConfig&&)>& sink) {
  dom::element element;
  if (wrapper["dataVersion"].get(element) == simdjson::SUCCESS && !element.is_null()) {
    RINGMQ_TRY_ASSIGN(version, data_version_from(element));
  }
  if (wrapper["topicConfigTable"].get(element) != simdjson::SUCCESS || element.is_null()) return {};
  dom::object table;
  if (element.get_object().get(table) != simdjson::SUCCESS) return malformed("topicConfigTable is not an object");
  for (dom::key_value_pair entry : table) {
    RINGMQ_TRY_ASSIGN(TopicConfig config, topic_config_from(entry.key, entry.value));
    sink(entry.key, std::move(config));
  }
  return {};
}

}  // namespace json

void write_data_version(JsonWriter& w, const DataVersion& version) {
  w.begin_object().key("counter").value(version.counter);
  if (version.state_version) w.key("stateVersion").value(*version.state_version);
  w.key("timestamp").value(version.timestamp).end_object();
}

std::string encode_data_version(const DataVersion& version) {
  JsonWriter w;
  write_data_version(w, version);
  return w.take();
}

Result<DataVersion> decode_data_version(std::string_view json) {
  json::dom::parser parser;
  json::dom::element root;
  if (auto err = parser.parse(json.data(), json.size()).get(root); err != simdjson::SUCCESS) {
    return json::malformed(fmt::format("DataVersion is not JSON: {}", simdjson::error_message(err)));
  }
  return json::data_version_from(root);
}

void write_topic_config(JsonWriter& w, const TopicConfig& c) {
  w.begin_object();
  w.key("order").value(c.order).key("perm").value(c.perm).key("readQueueNums").value(c.read_queue_nums);
  w.key("topicFilterType").value(c.topic_filter_type).key("topicName").value(c.topic_name);
  w.key("topicSysFlag").value(c.topic_sys_flag).key("writeQueueNums").value(c.write_queue_nums);
  w.end_object();
}

void write_topic_config_wrapper(JsonWriter& w, const TopicConfigTable& table) {
  w.begin_object().key("dataVersion");
  write_data_version(w, table.data_version);
  w.key("topicConfigTable").begin_object();
  for (const auto& [name, config] : table.topics) {
    w.key(name);
    write_topic_config(w, config);
  }
  w.end_object().end_object();
}

std::string encode_topic_config_wrapper(const TopicConfigTable& table) {
  JsonWriter w;
  write_topic_config_wrapper(w, table);
  return w.take();
}

Result<TopicConfigTable> decode_topic_config_wrapper(std::string_view text) {
  json::dom::parser parser;
  json::dom::element root;
  json::dom::object obj;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS ||
      root.get_object().get(obj) != simdjson::SUCCESS) {
    return json::malformed("TopicConfigSerializeWrapper is not a JSON object");
  }
  TopicConfigTable table;
  RINGMQ_TRY(json::topic_config_wrapper_from(obj, table.data_version, [&table](std::string_view key, TopicConfig&& c) {
    table.topics.insert_or_assign(std::string(key), std::move(c));
  }));
  return table;
}

}  // namespace ringmq::protocol
