#include "broker/append/inner_message.h"

#include "base/bytes.h"
#include "broker/append/real_destination.h"
#include "remoting/message_const.h"
#include "remoting/message_properties.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker {

namespace prop = remoting::property;

store::HostAddress ipv4_host(std::uint32_t ip, std::int32_t port) {
  return store::HostAddress::ipv4(ip >> 24, (ip >> 16) & 0xFF, (ip >> 8) & 0xFF, ip & 0xFF, port);
}

store::MessageInput message_input_of(const remoting::SendMessageRequestHeader& h, const store::HostAddress& born_host,
                                     const store::HostAddress& store_host) {
  store::MessageInput m;
  m.topic = h.topic;
  m.queue_id = store::QueueId{h.queue_id};
  m.flag = h.flag;
  m.sys_flag = h.sys_flag;
  m.born_timestamp_ms = h.born_timestamp;
  m.born_host = born_host;
  m.store_host = store_host;
  m.reconsume_times = h.reconsume_times;
  return m;
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

bool apply_delay_rewrite(const DelayLevels& levels, std::string& topic, std::int32_t& queue_id, std::string& properties,
                         std::int32_t sys_flag) {
  const std::int32_t txn = sys_flag & store::kSysFlagTransactionMask;
  if (txn == store::kSysFlagTransactionPrepared || txn == store::kSysFlagTransactionRollback) return false;
  auto delay = remoting::find_property(properties, prop::kDelayTimeLevel);
  if (!delay) return false;
  const std::int32_t level = levels.level_of(*delay);
  if (level <= 0) return false;
  auto props = remoting::MessageProperties::decode(properties);
  stamp_real_destination(props, topic, queue_id);
  props.set(prop::kDelayTimeLevel, std::to_string(level));
  properties = props.encode(false);
  topic = std::string(remoting::system_topic::kSchedule);
  queue_id = level - 1;
  return true;
}

}  // namespace ringmq::broker
