// TopicConfigManager: the broker's topic table (RocketMQ B/topic/TopicConfigManager.java).
// Creates the system topics at start as 4.9.4 does, auto-creates topics on first send from the
// TBW102 template, applies UPDATE_AND_CREATE_TOPIC / DELETE_TOPIC_IN_BROKER, and persists every
// change to <store>/config/topics.json (store/config_file.h: atomic replace, previous kept as .bak).
//
// Owner: core 0 makes every call (topic changes are rare admin operations, and auto-creation on
// the send path). Other cores read the published TopicSnapshot, which is replaced, never mutated.
// Persisting goes through the MetadataWriter's thread when one is given (the broker), so core 0
// never blocks on the file's fsync; without one (tests, tools) it is a blocking write.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "broker/broker_limits.h"
#include "broker/topic/topic_config.h"

namespace ringmq::broker {

// The topic table's file under <store>/config/: a TopicConfigSerializeWrapper (protocol/topic_config.h).
inline constexpr std::string_view kTopicsFile = "topics.json";

class MetadataWriter;

struct TopicConfigManagerOptions {
  std::string cluster_name = "DefaultCluster";
  std::string broker_name = "broker-a";
  bool auto_create_topic = true;
  std::int32_t default_topic_queue_nums = 8;  // TBW102's queues
  std::string config_path;                    // <store>/config/topics.json; empty = not persisted
  MetadataWriter* writer = nullptr;           // writes config_path off the core; null = write inline
};

// Queue counts of the system topics 4.9.4 creates (see 01-broker-register.jsonl).
inline constexpr std::int32_t kScheduleTopicQueueNums = 18;  // one per delay level
inline constexpr std::int32_t kBenchmarkTopicQueueNums = 1024;
inline constexpr std::int32_t kClusterTopicQueueNums = 16;

class TopicConfigManager {
 public:
  explicit TopicConfigManager(TopicConfigManagerOptions options);

  // Loads topics.json (a missing file is a fresh store), then adds the system topics. Persists if
  // the system topics changed anything.
  Status load();

  const TopicSnapshotPtr& snapshot() const { return snapshot_; }
  const TopicConfig* find(std::string_view topic) const { return snapshot_->find(topic); }

  // createTopicInSendMessageMethod: the new topic from `default_topic`'s template, or nullptr if
  // the template is missing or lacks PERM_INHERIT. Returns the existing config if there is one.
  // `changed` tells the caller to re-register with the NameServers.
  Result<const TopicConfig*> create_topic_in_send(std::string_view topic, std::string_view default_topic,
                                                  std::int32_t client_queue_nums, std::int32_t topic_sys_flag,
                                                  bool& changed);
  // createTopicInSendMessageBackMethod: retry and DLQ topics (1 queue, perm 6 by default).
  Result<const TopicConfig*> create_topic_with_queues(std::string_view topic, std::int32_t queue_nums,
                                                      std::int32_t perm, bool& changed);
  // UPDATE_AND_CREATE_TOPIC: create or replace.
  Status update_topic_config(const TopicConfig& config);
  // DELETE_TOPIC_IN_BROKER. Returns whether the topic existed.
  Result<bool> delete_topic(std::string_view topic);

 private:
  void add_system_topics(bool& changed);
  void put(const TopicConfig& config);
  Status commit();  // bump the data version, publish a new snapshot, persist

  TopicConfigManagerOptions options_;
  TopicSnapshot table_;
  TopicSnapshotPtr snapshot_;
};

}  // namespace ringmq::broker
