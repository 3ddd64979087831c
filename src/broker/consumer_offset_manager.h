// ConsumerOffsetManager: each consumer group's committed offset per queue (RocketMQ
// B/offset/ConsumerOffsetManager.java), persisted in <store>/config/consumerOffset.json with the
// key "topic@group" as 4.9.4 writes it.
//
// Owner: core 0. Commits arrive from UPDATE_CONSUMER_OFFSET and from pulls carrying the commit
// flag (forwarded by the pulling core as a small task). The table is saved through the
// MetadataWriter every kConsumerOffsetPersistIntervalMs when it changed, and at a clean stop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/metadata_writer.h"
#include "store/metadata.h"

namespace ringmq::broker {

// RocketMQ flushConsumerOffsetInterval.
inline constexpr std::int64_t kConsumerOffsetPersistIntervalMs = 5000;

class ConsumerOffsetManager {
 public:
  ConsumerOffsetManager(std::string path, MetadataWriter& writer) : path_(std::move(path)), writer_(writer) {}

  Status load();
  void commit(std::string_view group, std::string_view topic, std::int32_t queue_id, std::int64_t offset);
  std::optional<std::int64_t> query(std::string_view group, std::string_view topic, std::int32_t queue_id) const;
  // Topics the group has offsets for.
  std::vector<std::string> topics_of_group(std::string_view group) const;
  // Groups with offsets for the topic.
  std::vector<std::string> groups_of_topic(std::string_view topic) const;
  void remove_group(std::string_view group);

  std::string encode() const { return store::encode_consumer_offsets(table_); }
  // Saves if anything changed since the last save.
  void persist();

 private:
  static std::string key(std::string_view topic, std::string_view group);

  const std::string path_;
  MetadataWriter& writer_;
  store::ConsumerOffsetTable table_;
  bool dirty_ = false;
};

}  // namespace ringmq::broker
