// SendMessageRequestHeader (ROCKETMQ-PROTOCOL.md §5.1, §5.2): the header of SEND_MESSAGE (10,
// long names), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320) (short names a..n) decoded into
// one struct, as the Java broker converts V2 to V1 field by field.
//
// Plain value type; parsed on the core that received the request.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "remoting/command.h"

namespace ringmq::broker {

struct SendMessageRequestHeader {
  std::string producer_group;
  std::string topic;
  std::string default_topic;
  std::int32_t default_topic_queue_nums = 0;
  std::int32_t queue_id = 0;
  std::int32_t sys_flag = 0;
  std::int64_t born_timestamp = 0;
  std::int32_t flag = 0;
  std::string properties;  // empty when absent
  std::int32_t reconsume_times = 0;
  bool unit_mode = false;
  bool has_max_reconsume_times = false;
  std::int32_t max_reconsume_times = 0;
  bool batch = false;
  std::string broker_name;  // `n` / `bname`, optional
};

// Decodes the header of a send request with `code` (10 uses long names, 310/320/325 short ones).
// SEND_BATCH_MESSAGE is always a batch; 310 is one when `m` is true. Missing required fields and
// unparsable numbers fail with Errc::malformed naming the field (the broker answers SYSTEM_ERROR,
// as Java's processors do when a @CFNotNull field is null).
Result<SendMessageRequestHeader> parse_send_message_header(std::int32_t code, const remoting::ExtFields& ext);

}  // namespace ringmq::broker
