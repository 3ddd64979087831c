// ConsumerOffsetManager: each consumer group's committed offset per queue (RocketMQ
// B/offset/ConsumerOffsetManager.java), persisted in <store>/config/consumerOffset.json with the
// key "topic@group" as 4.9.4 writes it.
//
// Owner: core 0. Commits arrive from UPDATE_CONSUMER_OFFSET and from pulls carrying the commit
// flag (forwarded by the pulling core as a small task). The table is saved through the
// MetadataWriter every kConsumerOffsetPersistIntervalMs when it changed, and at a clean stop.
// Clients choose the keys, so the table holds at most kConsumerOffsetEntriesMax (topic@group,
// queueId) entries; the caller checks that the topic and queue exist (the manager has no topics).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/broker_limits.h"
#include "broker/metadata_writer.h"
#include "broker/offset/consumer_offset_table.h"

namespace ringmq::broker {

// RocketMQ flushConsumerOffsetInterval.
inline constexpr std::int64_t kConsumerOffsetPersistIntervalMs = 5000;

class ConsumerOffsetManager {
 public:
  ConsumerOffsetManager(std::string path, MetadataWriter& writer) : path_(std::move(path)), writer_(writer) {}

  Status load();
  // invalid_argument for a negative queue id or offset; too_large (nothing stored) when a new
  // entry would take the table past kConsumerOffsetEntriesMax.
  Status commit(std::string_view group, std::string_view topic, std::int32_t queue_id, std::int64_t offset);
  std::size_t entry_count() const { return entries_; }
  std::optional<std::int64_t> query(std::string_view group, std::string_view topic, std::int32_t queue_id) const;
  // Topics the group has offsets for.
  std::vector<std::string> topics_of_group(std::string_view group) const;
  // Groups with offsets for the topic.
  std::vector<std::string> groups_of_topic(std::string_view topic) const;
  void remove_group(std::string_view group);
  // CLONE_GROUP_OFFSET: `dst`'s offsets of `topic` become a copy of `src`'s (nothing if `src` has
  // none). too_large when the copy would take the table past kConsumerOffsetEntriesMax.
  Status clone_offsets(std::string_view src, std::string_view dst, std::string_view topic);

  std::string encode() const { return encode_consumer_offsets(table_); }
  // Every committed offset, keyed "topic@group" (metrics read it to export consumer lag).
  const ConsumerOffsetTable& table() const { return table_; }
  // Saves if anything changed since the last save.
  void persist();

 private:
  static std::string key(std::string_view topic, std::string_view group);

  const std::string path_;
  MetadataWriter& writer_;
  ConsumerOffsetTable table_;
  std::size_t entries_ = 0;  // sum of the queue maps' sizes, kept so commit() checks the cap in O(1)
  bool dirty_ = false;
};

}  // namespace ringmq::broker
