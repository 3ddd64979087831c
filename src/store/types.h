// Strong types for the numbers RocketMQ keeps in plain longs and ints, so a physical (byte) offset,
// a queue (entry) offset, a shard id and a queue id cannot be mixed up.
//
// A physical offset carries its shard in the high bits: shard s owns [s << kShardShift,
// (s + 1) << kShardShift). Offsets, offset message ids and VIEW_MESSAGE_BY_ID therefore stay unique
// across the shards of one broker, and any offset names the CommitLog that holds it.
#pragma once

#include <compare>
#include <cstdint>

namespace ringmq::store {

// 2^48 bytes (256 TiB) of log per shard before its offsets would reach the next shard's.
inline constexpr int kShardShift = 48;
// Shards per store. Bounded so a store's checkpoint file stays one page (see checkpoint.h).
inline constexpr std::uint32_t kShardsMax = 64;

struct PhysicalOffset {
  std::int64_t value = 0;
  friend auto operator<=>(const PhysicalOffset&, const PhysicalOffset&) = default;
  PhysicalOffset operator+(std::int64_t bytes) const { return {value + bytes}; }
};

struct QueueOffset {
  std::int64_t value = 0;
  friend auto operator<=>(const QueueOffset&, const QueueOffset&) = default;
  QueueOffset operator+(std::int64_t entries) const { return {value + entries}; }
};

struct ShardId {
  std::uint32_t value = 0;
  friend auto operator<=>(const ShardId&, const ShardId&) = default;
};

struct QueueId {
  std::int32_t value = 0;
  friend auto operator<=>(const QueueId&, const QueueId&) = default;
};

inline PhysicalOffset shard_base(ShardId shard) {
  return {static_cast<std::int64_t>(shard.value) << kShardShift};
}
inline PhysicalOffset shard_limit(ShardId shard) {
  return {static_cast<std::int64_t>(shard.value + 1) << kShardShift};
}
inline ShardId shard_of(PhysicalOffset offset) {
  return {static_cast<std::uint32_t>(static_cast<std::uint64_t>(offset.value) >> kShardShift)};
}

}  // namespace ringmq::store
