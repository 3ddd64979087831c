// Messages the broker writes on its own behalf (RocketMQ MessageExtBrokerInner built in
// consumerSendMsgBack and ScheduleMessageService): retry and dead-letter copies and delayed
// messages delivered to their real topic. Owned data, so a job can carry one across cores.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "store/commit_log.h"
#include "store/record_format.h"

namespace ringmq::broker {

class BrokerRuntime;
struct CoreState;

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

// Store-time delay rewrite (§11.1): a message whose DELAY level is > 0 (and that is not a
// prepared/rolled-back transaction) goes to SCHEDULE_TOPIC_XXXX queue level-1 with REAL_TOPIC and
// REAL_QID. Returns whether it was rewritten. `properties` is the encoded string.
bool apply_delay_rewrite(BrokerRuntime& rt, std::string& topic, std::int32_t& queue_id, std::string& properties,
                         std::int32_t sys_flag);

// The store's input for m (views into m), every field but tags_code (which depends on when it is stored).
store::MessageInput message_input_of(const InnerMessage& m);

// On the core owning (m.topic, m.queue_id): appends it and wakes what waits on that queue.
Result<store::AppendResult> put_inner_message(BrokerRuntime& rt, CoreState& owner, const InnerMessage& m);

// Every append's follow-up on the owning core: wake parked pulls, and the delay level's
// delivery for SCHEDULE_TOPIC_XXXX appends.
void on_appended(BrokerRuntime& rt, CoreState& owner, std::string_view topic, std::int32_t queue_id,
                 std::int64_t tags_code, std::int64_t store_timestamp_ms);

// ConsumeQueue tag code of a message: TAGS hash, or for SCHEDULE_TOPIC_XXXX the time it is due.
std::int64_t tags_code_for(BrokerRuntime& rt, std::string_view topic, std::int32_t queue_id, std::string_view properties,
                           std::int64_t store_timestamp_ms);

}  // namespace ringmq::broker
