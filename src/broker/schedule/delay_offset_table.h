// The broker's delayOffset.json (docs/STORE-FORMAT.md §10.5): ScheduleMessageService's
// {"offsetTable":{level:offset}}, each delay level's progress in SCHEDULE_TOPIC_XXXX's queue
// (level - 1). The same text is the body of GET_ALL_DELAY_OFFSET. Written as standard JSON, read in
// fastjson's form too. Plain functions over values: any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmq::broker {

inline constexpr std::string_view kDelayOffsetsFile = "delayOffset.json";

// Delay level -> offset in SCHEDULE_TOPIC_XXXX's queue (level - 1).
struct DelayOffsetTable {
  std::map<std::int32_t, std::int64_t> offsets;
};

std::string encode_delay_offsets(const DelayOffsetTable& t);
Result<DelayOffsetTable> decode_delay_offsets(std::string_view json);

}  // namespace ringmq::broker
