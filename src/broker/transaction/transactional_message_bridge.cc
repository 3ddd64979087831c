#include "broker/transaction/transactional_message_bridge.h"

#include <cstdlib>
#include <strings.h>

#include "base/hex.h"
#include "broker/append/real_destination.h"
#include "remoting/message_const.h"
#include "remoting/message_properties.h"
#include "remoting/message_sysflag.h"
#include "remoting/topic_validator.h"
#include "broker/transaction/transactional_message_util.h"

namespace ringmq::broker::transaction {

namespace prop = remoting::property;
namespace sysflag = remoting::message_sysflag;
namespace topics = remoting::system_topic;

bool is_transaction_prepared(std::string_view properties) {
  auto v = remoting::find_property(properties, prop::kTransactionPrepared);
  return v && v->size() == 4 && strncasecmp(v->data(), "true", 4) == 0;
}

void divert_to_half(std::string& topic, std::int32_t& queue_id, std::string& properties, std::int32_t& sys_flag) {
  auto props = remoting::MessageProperties::decode(properties);
  stamp_real_destination(props, topic, queue_id);
  properties = props.encode(false);
  sys_flag = sysflag::reset_transaction_type(sys_flag, sysflag::kTransactionNotType);
  topic = std::string(topics::kTransHalf);
  queue_id = kHalfQueueId;
}

namespace {

// The fields every copy of a stored record keeps.
InnerMessage copy_of(const store::RecordView& r) {
  InnerMessage m;
  m.topic = std::string(r.topic);
  m.queue_id = r.queue_id.value;
  m.flag = r.flag;
  m.body.assign(reinterpret_cast<const char*>(r.body.data()), r.body.size());
  m.properties = std::string(r.properties);
  m.sys_flag = r.sys_flag;
  m.born_timestamp_ms = r.born_timestamp_ms;
  m.born_host = store::HostAddress::of(r.born_host);
  m.store_host = store::HostAddress::of(r.store_host);
  m.reconsume_times = r.reconsume_times;
  return m;
}

bool parse_int(std::string_view text, std::int64_t& out) {
  auto v = parse_op_body(text);
  if (!v) return false;
  out = *v;
  return true;
}

// Where a half message really goes: its REAL_TOPIC (a view into `props`) and REAL_QID.
Result<RealDestination> real_destination_in(const remoting::MessageProperties& props) {
  auto real = real_destination_of(props);
  if (!real) return make_error(Errc::invalid_argument, "half message has no REAL_TOPIC/REAL_QID");
  return *real;
}

}  // namespace

Result<InnerMessage> commit_message_of(const store::RecordView& half, const store::HostAddress& store_host) {
  auto props = remoting::MessageProperties::decode(half.properties);
  RINGMQ_TRY_ASSIGN(const RealDestination real, real_destination_in(props));
  InnerMessage m = copy_of(half);
  m.topic = std::string(real.topic);
  m.queue_id = real.queue_id;
  m.store_host = store_host;
  erase_real_destination(props);
  props.erase(prop::kTransactionPrepared);
  props.set(prop::kWaitStoreMsgOk, "false");
  m.properties = props.encode(false);
  m.sys_flag = sysflag::reset_transaction_type(half.sys_flag, sysflag::kTransactionCommitType);
  m.prepared_transaction_offset = half.physical_offset.value;
  return m;
}

InnerMessage op_message_of(std::int64_t half_offset, const store::HostAddress& store_host, std::int64_t now_ms) {
  InnerMessage m;
  m.topic = std::string(topics::kTransOpHalf);
  m.queue_id = kHalfQueueId;
  m.body = std::to_string(half_offset);
  remoting::MessageProperties props;
  props.set(prop::kTags, kRemoveTag);
  props.set(prop::kWaitStoreMsgOk, "false");
  m.properties = props.encode(false);
  m.born_timestamp_ms = now_ms;
  m.born_host = store_host;
  m.store_host = store_host;
  return m;
}

InnerMessage renewed_for_check(const store::RecordView& half, std::int32_t check_times) {
  InnerMessage m = copy_of(half);
  auto props = remoting::MessageProperties::decode(half.properties);
  props.set(prop::kTransactionCheckTimes, std::to_string(check_times + 1));
  m.properties = props.encode(false);
  return m;
}

InnerMessage renewed_for_immunity(const store::RecordView& half) {
  InnerMessage m = copy_of(half);
  auto props = remoting::MessageProperties::decode(half.properties);
  if (!props.contains(prop::kTransactionPreparedQueueOffset)) {
    props.set(prop::kTransactionPreparedQueueOffset, std::to_string(half.queue_offset.value));
  }
  m.properties = props.encode(false);
  return m;
}

InnerMessage discarded_message_of(const store::RecordView& half) {
  InnerMessage m = copy_of(half);
  m.topic = std::string(topics::kTransCheckMaxTime);
  m.queue_id = kCheckMaxTimeQueueId;
  auto props = remoting::MessageProperties::decode(half.properties);
  props.set(prop::kWaitStoreMsgOk, "false");
  m.properties = props.encode(false);
  return m;
}

HalfInfo half_info_of(const store::RecordView& half, std::int64_t transaction_timeout_ms) {
  HalfInfo h;
  h.queue_offset = half.queue_offset.value;
  h.born_ms = half.born_timestamp_ms;
  h.store_ms = half.store_timestamp_ms;
  std::int64_t v = 0;
  if (auto t = remoting::find_property(half.properties, prop::kTransactionCheckTimes); t && parse_int(*t, v)) {
    h.check_times = static_cast<std::int32_t>(v);
  }
  if (auto s = remoting::find_property(half.properties, prop::kCheckImmunityTimeInSeconds)) {
    h.has_immunity = true;
    h.immunity_ms = immunity_ms_of(*s, transaction_timeout_ms);
  }
  if (auto p = remoting::find_property(half.properties, prop::kTransactionPreparedQueueOffset); p && parse_int(*p, v)) {
    h.prepared_queue_offset = v;
  }
  return h;
}

Result<CheckRequest> check_request_of(const InnerMessage& half, const store::AppendResult& appended) {
  auto props = remoting::MessageProperties::decode(half.properties);
  RINGMQ_TRY_ASSIGN(const RealDestination real, real_destination_in(props));
  CheckRequest c;
  c.producer_group = std::string(props.get(prop::kProducerGroup).value_or(""));
  c.commit_log_offset = appended.offset.value;
  c.tran_state_table_offset = appended.queue_offset.value;
  append_hex(appended.msg_id.view(), c.offset_msg_id);
  c.msg_id = std::string(props.get(prop::kUniqClientMessageIdKeyidx).value_or(""));
  store::MessageInput in = message_input_of(half);
  in.topic = real.topic;
  in.queue_id = store::QueueId{real.queue_id};
  c.body.resize(store::encoded_size(in));
  store::encode_record(in, appended.queue_offset, appended.offset, appended.store_timestamp_ms,
                       reinterpret_cast<std::uint8_t*>(c.body.data()));
  return c;
}

}  // namespace ringmq::broker::transaction
