#include "broker/ha/replica_acks.h"

#include <algorithm>

namespace ringmq::broker::ha {

void ReplicaAcks::update(std::uint64_t slave, std::int64_t offset) {
  auto [it, inserted] = acked_.try_emplace(slave, offset);
  if (!inserted) it->second = std::max(it->second, offset);
}

void ReplicaAcks::forget(std::uint64_t slave) { acked_.erase(slave); }

std::int64_t ReplicaAcks::max_acked() const {
  std::int64_t best = -1;
  for (const auto& [slave, offset] : acked_) best = std::max(best, offset);
  return best;
}

bool ReplicaAcks::any_in_sync(std::int64_t write_offset, std::int64_t fallbehind_max) const {
  const std::int64_t best = max_acked();
  return best >= 0 && write_offset - best < fallbehind_max;
}

std::int64_t ReplicaAcks::fallbehind(std::int64_t write_offset, std::int64_t log_min) const {
  const std::int64_t best = max_acked();
  return std::max<std::int64_t>(0, write_offset - (best >= 0 ? best : log_min));
}

}  // namespace ringmq::broker::ha
