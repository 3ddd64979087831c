// Delay levels (docs/PROTOCOL.md §11.1): messageDelayLevel, e.g. "1s 5s 10s 30s 1m ... 2h",
// level n (1-based) = the n-th duration; units s, m, h, d. SCHEDULE_TOPIC_XXXX queue n-1 holds
// the messages of level n.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmq::broker {

// Levels a broker accepts at most (queue count of SCHEDULE_TOPIC_XXXX is sized to the levels).
inline constexpr std::size_t kDelayLevelsMax = 64;

class DelayLevels {
 public:
  static Result<DelayLevels> parse(std::string_view text);

  std::int32_t max_level() const { return static_cast<std::int32_t>(delays_ms_.size()); }
  // Delay of `level` (clamped into [1, max_level]).
  std::int64_t delay_ms(std::int32_t level) const;
  // The level a DELAY property asks for, clamped to max_level; 0 = not delayed.
  std::int32_t level_of(std::string_view property) const;

 private:
  std::vector<std::int64_t> delays_ms_;
};

}  // namespace ringmq::broker
