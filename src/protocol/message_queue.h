// MessageQueue (RocketMQ common/message/MessageQueue.java): one queue of a topic on one broker
// group, and its JSON both ways. fastjson writes it {"brokerName":..,"queueId":..,"topic":..}
// (alphabetical), as an array entry (LockBatchRequestBody, lockOKMQSet) or as a map key
// (ResetOffsetBody, ConsumeStats, TopicStatsTable: protocol/fastjson.h reads those). Readers accept
// the fields in any order. Plain values: any thread.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "protocol/fastjson.h"

namespace ringmq {
class JsonWriter;
}

namespace ringmq::protocol {

// Ordered like Java's MessageQueue.compareTo (topic, then brokerName, then queueId), which
// rebalancing relies on.
struct MessageQueue {
  std::string topic;
  std::string broker_name;
  std::int32_t queue_id = 0;

  friend auto operator<=>(const MessageQueue&, const MessageQueue&) = default;
  friend bool operator==(const MessageQueue&, const MessageQueue&) = default;
  // "MessageQueue [topic=T, brokerName=b, queueId=0]", as Java prints it.
  std::string to_string() const;
};

struct MessageQueueHash {
  std::size_t operator()(const MessageQueue& mq) const;
};

// The object fastjson writes; the fields version spares callers that hold them apart a copy.
void write_message_queue(JsonWriter& w, std::string_view topic, std::string_view broker_name, std::int32_t queue_id);
inline void write_message_queue(JsonWriter& w, const MessageQueue& mq) {
  write_message_queue(w, mq.topic, mq.broker_name, mq.queue_id);
}
std::string encode_message_queue(const MessageQueue& mq);
// A queue with its offset inside, {"brokerName":..,"offset":..,"queueId":..,"topic":..}: the entries
// of ResetOffsetBodyForC (MessageQueueForC) and of the client's broadcast offsets file.
void write_message_queue_offset(JsonWriter& w, std::string_view topic, std::string_view broker_name,
                                std::int32_t queue_id, std::int64_t offset);

// A MessageQueue object, its keys in any order; malformed when a field is missing or mistyped.
Result<MessageQueue> message_queue_from(const JsonValue& v);

using QueueOffsets = std::vector<std::pair<MessageQueue, std::int64_t>>;

// A Map<MessageQueue,Long> as fastjson writes it: {{"brokerName":..,"queueId":..,"topic":..}:5,..}.
std::string encode_queue_offset_table(const QueueOffsets& entries);

// The (MessageQueue, offset) pairs under `v`, in order: object keys mapped to a number
// (ResetOffsetBody {"offsetTable":{{mq}:5}}, GetConsumerStatusBody's messageQueueTable) and objects
// carrying an "offset" beside the queue's fields (ResetOffsetBodyForC {"offsetTable":[{..}]}), at any
// depth. Entries that are not MessageQueues are skipped.
QueueOffsets queue_offsets_from(const JsonValue& v);
// The same of a body; a body that does not parse is an error.
Result<QueueOffsets> decode_queue_offset_table(std::string_view body);

}  // namespace ringmq::protocol
