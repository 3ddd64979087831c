// The broker's consumerOffset.json (docs/STORE-FORMAT.md §10.5): ConsumerOffsetSerializeWrapper,
// {"offsetTable":{"topic@group":{queueId:offset}}}. The same text is the body of
// GET_ALL_CONSUMER_OFFSET, which a slave reads. We write standard JSON (map keys quoted); reading
// also accepts fastjson's bare integer keys ({0:12}) and ignores unknown fields. Plain functions
// over values: any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmq {
class JsonWriter;
}

namespace ringmq::broker {

inline constexpr std::string_view kConsumerOffsetsFile = "consumerOffset.json";

// "topic@group" -> queueId -> next offset to consume.
struct ConsumerOffsetTable {
  std::map<std::string, std::map<std::int32_t, std::int64_t>> offsets;
};

std::string encode_consumer_offsets(const ConsumerOffsetTable& t);
Result<ConsumerOffsetTable> decode_consumer_offsets(std::string_view json);

// {queueId or delay level: offset}, the map both offset files hold ({"0":12}).
void write_offset_map(JsonWriter& w, const std::map<std::int32_t, std::int64_t>& offsets);

}  // namespace ringmq::broker
