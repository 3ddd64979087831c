#include "broker/processor/inner_message.h"

#include "base/bytes.h"
#include "base/clock.h"
#include "broker/broker_runtime.h"
#include "broker/ha/ha_service.h"
#include "broker/longpolling/pull_request_hold_service.h"
#include "broker/schedule/schedule_message_service.h"
#include "remoting/message_const.h"
#include "remoting/message_properties.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker {

namespace prop = remoting::property;

bool apply_delay_rewrite(BrokerRuntime& rt, std::string& topic, std::int32_t& queue_id, std::string& properties,
                         std::int32_t sys_flag) {
  const std::int32_t txn = sys_flag & store::kSysFlagTransactionMask;
  if (txn == store::kSysFlagTransactionPrepared || txn == store::kSysFlagTransactionRollback) return false;
  auto delay = remoting::find_property(properties, prop::kDelayTimeLevel);
  if (!delay) return false;
  const std::int32_t level = rt.delay_levels().level_of(*delay);
  if (level <= 0) return false;
  auto props = remoting::MessageProperties::decode(properties);
  props.set(prop::kRealTopic, topic);
  props.set(prop::kRealQueueId, std::to_string(queue_id));
  props.set(prop::kDelayTimeLevel, std::to_string(level));
  properties = props.encode(false);
  topic = std::string(remoting::system_topic::kSchedule);
  queue_id = level - 1;
  return true;
}

std::int64_t tags_code_for(BrokerRuntime& rt, std::string_view topic, std::int32_t queue_id, std::string_view properties,
                           std::int64_t store_timestamp_ms) {
  if (topic == remoting::system_topic::kSchedule) return store_timestamp_ms + rt.delay_levels().delay_ms(queue_id + 1);
  return store::tag_hash_of(properties);
}

void on_appended(BrokerRuntime& rt, CoreState& owner, std::string_view topic, std::int32_t queue_id,
                 std::int64_t tags_code, std::int64_t store_timestamp_ms) {
  (void)store_timestamp_ms;
  if (rt.ha()) rt.ha()->on_appended(owner);  // slaves waiting for bytes (broker/ha)
  if (topic == remoting::system_topic::kSchedule) {
    if (owner.schedule) owner.schedule->on_arrival(queue_id + 1, tags_code);
    return;
  }
  if (owner.holds) owner.holds->notify_arrival(topic, queue_id, tags_code);
}

store::MessageInput message_input_of(const InnerMessage& m) {
  store::MessageInput in;
  in.topic = m.topic;
  in.queue_id = store::QueueId{m.queue_id};
  in.flag = m.flag;
  in.body = as_bytes(m.body);
  in.properties = m.properties;
  in.sys_flag = m.sys_flag;
  in.born_timestamp_ms = m.born_timestamp_ms;
  in.born_host = m.born_host;
  in.store_host = m.store_host;
  in.reconsume_times = m.reconsume_times;
  in.prepared_transaction_offset = m.prepared_transaction_offset;
  return in;
}

Result<store::AppendResult> put_inner_message(BrokerRuntime& rt, CoreState& owner, const InnerMessage& m) {
  store::MessageInput in = message_input_of(m);
  const std::int64_t now = wall_clock_ms();
  in.tags_code = tags_code_for(rt, m.topic, m.queue_id, m.properties, now);
  RINGMQ_TRY_ASSIGN(auto appended, owner.shard->put(in, now));
  owner.stats.put_messages += 1;
  owner.stats.put_bytes += appended.size;
  on_appended(rt, owner, m.topic, m.queue_id, in.tags_code, now);
  return appended;
}

}  // namespace ringmq::broker
