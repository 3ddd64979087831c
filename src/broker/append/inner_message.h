// How the broker builds the store::MessageInput of everything it appends (RocketMQ's
// MessageExtBrokerInner): from a producer's send header (SendMessageProcessor, reply messages),
// or from an InnerMessage, a message the broker writes on its own behalf (retry and dead-letter
// copies, delayed messages delivered to their real topic, transaction commits and op messages).
// InnerMessage owns its data, so a job can carry one across cores. MessageAppendService appends
// what these build.
#pragma once

#include <cstdint>
#include <string>

#include "broker/schedule/delay_levels.h"
#include "remoting/send_message_header.h"
#include "store/commit_log.h"
#include "store/record_format.h"

namespace ringmq::broker {

struct InnerMessage {
  std::string topic;
  std::int32_t queue_id = 0;
  std::int32_t flag = 0;
  std::string body;
  std::string properties;  // encoded
  std::int32_t sys_flag = 0;
  std::int64_t born_timestamp_ms = 0;
  store::HostAddress born_host;
  store::HostAddress store_host;
  std::int32_t reconsume_times = 0;
  std::int64_t prepared_transaction_offset = 0;  // a committed transaction: its half message
};

// The host of an IPv4 peer (host byte order), as a record's born host.
store::HostAddress ipv4_host(std::uint32_t ipv4, std::int32_t port);

// The store's input for a producer's message: the header's topic, queue, flag, sysFlag,
// bornTimestamp and reconsumeTimes, with `born_host` and this broker as store host. Body,
// properties and tags_code are the caller's (the properties as they will be stored).
store::MessageInput message_input_of(const remoting::SendMessageRequestHeader& header,
                                     const store::HostAddress& born_host, const store::HostAddress& store_host);

// The store's input for m (views into m), every field but tags_code (which depends on when it is stored).
store::MessageInput message_input_of(const InnerMessage& m);

// Store-time delay rewrite (§11.1): a message whose DELAY level is > 0 (and that is not a
// prepared/rolled-back transaction) goes to SCHEDULE_TOPIC_XXXX queue level-1 with REAL_TOPIC and
// REAL_QID. Returns whether it was rewritten. `properties` is the encoded string.
bool apply_delay_rewrite(const DelayLevels& levels, std::string& topic, std::int32_t& queue_id, std::string& properties,
                         std::int32_t sys_flag);

}  // namespace ringmq::broker
