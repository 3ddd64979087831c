// The REAL_TOPIC / REAL_QID pair: where a message the broker parks in a system topic really goes.
// A delayed message waits in SCHEDULE_TOPIC_XXXX and a prepared transaction in
// RMQ_SYS_TRANS_HALF_TOPIC; both keep their producer's topic and queue in these two properties
// (RocketMQ MessageConst.PROPERTY_REAL_TOPIC / PROPERTY_REAL_QUEUE_ID), stamped when they are
// diverted and read back when ScheduleMessageService delivers them or a commit ends the
// transaction. One place stamps, reads and strips them, so the three users agree on the format.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "remoting/message_properties.h"

namespace ringmq::broker {

struct RealDestination {
  std::string_view topic;  // a view into the properties it was read from
  std::int32_t queue_id = 0;
};

// Sets REAL_TOPIC = topic and REAL_QID = queue_id (decimal), replacing earlier values.
void stamp_real_destination(remoting::MessageProperties& props, std::string_view topic, std::int32_t queue_id);

// The destination the properties name, or nullopt when either is missing or REAL_QID is not a
// whole decimal int32 (Java's Integer.parseInt throws there: the message is dropped).
std::optional<RealDestination> real_destination_of(const remoting::MessageProperties& props);

// Removes both properties (a committed transaction's message does not carry them).
void erase_real_destination(remoting::MessageProperties& props);

}  // namespace ringmq::broker
