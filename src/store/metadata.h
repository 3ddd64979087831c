// The broker's metadata files under <store>/config/ (docs/STORE-FORMAT.md §10.5): topics,
// subscription groups, consumer offsets and delay offsets, as JSON in RocketMQ's shapes.
//
// Writing: save_config_file() keeps the previous version as <name>.bak and replaces the file
// atomically (temp file, fsync, rename, fsync dir), so a crash leaves the old or the new content.
// We write standard JSON (map keys quoted); reading also accepts fastjson's unquoted integer keys
// ({0:12}) and ignores fields it does not know. Plain functions, no state: any thread may call
// them, the broker serialises saves of one file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/result.h"
#include "protocol/topic_config.h"

namespace ringmq::store {

inline constexpr std::string_view kTopicsFile = "topics.json";
inline constexpr std::string_view kSubscriptionGroupsFile = "subscriptionGroup.json";
inline constexpr std::string_view kConsumerOffsetsFile = "consumerOffset.json";
inline constexpr std::string_view kDelayOffsetsFile = "delayOffset.json";

// topics.json is a TopicConfigSerializeWrapper: protocol::encode/decode_topic_config_wrapper.
using protocol::DataVersion;

struct SubscriptionGroupConfig {
  std::string group_name;
  bool consume_enable = true;
  bool consume_from_min_enable = true;
  bool consume_broadcast_enable = true;
  std::int32_t retry_queue_nums = 1;
  std::int32_t retry_max_times = 16;
  std::int64_t broker_id = 0;
  std::int64_t which_broker_when_consume_slowly = 1;
  bool notify_consumer_ids_changed_enable = true;
};

struct SubscriptionGroupTable {
  DataVersion data_version;
  std::map<std::string, SubscriptionGroupConfig> groups;
};

// "topic@group" -> queueId -> next offset to consume.
struct ConsumerOffsetTable {
  std::map<std::string, std::map<std::int32_t, std::int64_t>> offsets;
};

// Delay level -> offset in SCHEDULE_TOPIC_XXXX's queue (level - 1).
struct DelayOffsetTable {
  std::map<std::int32_t, std::int64_t> offsets;
};

std::string encode_subscription_groups(const SubscriptionGroupTable& t);
// One SubscriptionGroupConfig as fastjson writes it (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP's body).
std::string encode_subscription_group(const SubscriptionGroupConfig& g);
Result<SubscriptionGroupTable> decode_subscription_groups(std::string_view json);
std::string encode_consumer_offsets(const ConsumerOffsetTable& t);
Result<ConsumerOffsetTable> decode_consumer_offsets(std::string_view json);
std::string encode_delay_offsets(const DelayOffsetTable& t);
Result<DelayOffsetTable> decode_delay_offsets(std::string_view json);

// Copies the current `path` (if any) to `path`.bak, then replaces `path` with `json` atomically.
Status save_config_file(const std::string& path, std::string_view json);
// The content of `path`, or of `path`.bak if the main file is missing or `valid` rejects it.
// Errc::not_found when neither exists.
Result<std::string> load_config_file(const std::string& path, bool (*valid)(std::string_view) = nullptr);

}  // namespace ringmq::store
