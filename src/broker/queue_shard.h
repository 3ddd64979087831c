// Which shard (and so which core) owns a (topic, queueId) (docs/ARCHITECTURE.md §3). The queues of one topic
// are spread round-robin from a per-topic starting shard, so a 4-queue topic on 4 cores uses every
// core and different topics start on different cores. The mapping depends only on the name, the
// queue id and the store's recorded shard count, so it is the same on every start.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/hash.h"
#include "store/types.h"

namespace ringmq::broker {

inline store::ShardId shard_of_queue(std::string_view topic, std::int32_t queue_id, std::uint32_t shard_count) {
  const std::uint32_t start = static_cast<std::uint32_t>(java_string_hash(topic));
  const std::uint64_t slot = static_cast<std::uint64_t>(start) + static_cast<std::uint32_t>(queue_id);
  return store::ShardId{static_cast<std::uint32_t>(slot % shard_count)};
}

}  // namespace ringmq::broker
