// The checks a broker makes before it stores a send (docs/PROTOCOL.md §5.4, RocketMQ 4.9
// AbstractSendMessageProcessor#msgCheck and the store's putMessage checks), as pure functions of
// the header, the topic table and the broker's settings. The answer is a WireError (RocketMQ's
// response code and remark). Runs on the core that received the request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "broker/broker_config.h"
#include "broker/topic/topic_config.h"
#include "broker/processor/wire_error.h"
#include "remoting/send_message_header.h"

namespace ringmq::broker {

// The role and name checks that need no topic: slave (SERVICE_NOT_AVAILABLE), illegal topic name
// (MESSAGE_ILLEGAL), topics producers may not send to (NO_PERMISSION).
WireError check_send_preconditions(const BrokerConfig& config, const remoting::SendMessageRequestHeader& header);

// Checks against the topic's config once it exists: write permission (NO_PERMISSION) and the
// queue id (SYSTEM_ERROR, as 4.9 answers). `topic` null means the topic does not exist and could
// not be created: TOPIC_NOT_EXIST.
WireError check_send_topic(const remoting::SendMessageRequestHeader& header, const TopicConfig* topic);

// Size checks of the store (MESSAGE_ILLEGAL): body over the broker's max message size, stored
// properties over 32767 bytes.
WireError check_message_size(const BrokerConfig& config, std::size_t body_bytes, std::size_t properties_bytes);

// Remark of TOPIC_NOT_EXIST, as Java words it.
std::string topic_not_exist_remark(std::string_view topic);

}  // namespace ringmq::broker
