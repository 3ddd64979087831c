// TopicConfig, DataVersion and TopicConfigSerializeWrapper (docs/PROTOCOL.md §3.2, §3.3, §7.3)
// with their JSON both ways. The same wrapper is the broker's config/topics.json, the body of
// GET_ALL_TOPIC_CONFIG and the inside of RegisterBrokerBody. Writers use fastjson's key order
// (alphabetical bean properties), byte-identical to what a 4.9.4 broker sends.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "protocol/perm.h"

namespace ringmq {
class JsonWriter;
}

namespace ringmq::protocol {

// A broker's topic-config version; the broker bumps it on every topic change. 4.9 brokers send
// {counter, timestamp}; 5.x adds stateVersion, which is kept only when it was sent so that the
// DataVersion echoed back is the one the broker gave.
struct DataVersion {
  std::int64_t counter = 0;
  std::int64_t timestamp = 0;  // ms
  std::optional<std::int64_t> state_version;

  friend bool operator==(const DataVersion&, const DataVersion&) = default;
};

// Defaults are TopicConfig's (Java fills missing JSON keys with them).
struct TopicConfig {
  std::string topic_name;
  std::int32_t read_queue_nums = 16;
  std::int32_t write_queue_nums = 16;
  std::int32_t perm = perm::kReadWrite;
  std::string topic_filter_type = std::string(kSingleTagFilterType);
  std::int32_t topic_sys_flag = 0;
  bool order = false;

  friend bool operator==(const TopicConfig&, const TopicConfig&) = default;
};

// Queue count a send may address: Java checks queueId against max(read, write).
inline std::int32_t queue_count_of(const TopicConfig& c) {
  return c.read_queue_nums > c.write_queue_nums ? c.read_queue_nums : c.write_queue_nums;
}

// TopicConfigSerializeWrapper: {"dataVersion":{..},"topicConfigTable":{name:TopicConfig}}.
struct TopicConfigTable {
  DataVersion data_version;
  std::map<std::string, TopicConfig, std::less<>> topics;

  const TopicConfig* find(std::string_view topic) const {
    auto it = topics.find(topic);
    return it == topics.end() ? nullptr : &it->second;
  }
};

// {"counter":N,["stateVersion":N,]"timestamp":N}
void write_data_version(JsonWriter& w, const DataVersion& version);
std::string encode_data_version(const DataVersion& version);
Result<DataVersion> decode_data_version(std::string_view json);

// {"order":..,"perm":..,"readQueueNums":..,"topicFilterType":..,"topicName":..,"topicSysFlag":..,
//  "writeQueueNums":..}
void write_topic_config(JsonWriter& w, const TopicConfig& config);

void write_topic_config_wrapper(JsonWriter& w, const TopicConfigTable& table);
std::string encode_topic_config_wrapper(const TopicConfigTable& table);
// Missing keys keep Java's defaults; a key of the wrong type is Errc::malformed. The table is keyed
// by the JSON map keys; an entry's topicName, when present, wins inside the TopicConfig.
Result<TopicConfigTable> decode_topic_config_wrapper(std::string_view json);

}  // namespace ringmq::protocol
