#include "broker/pull_message_header.h"

namespace ringmq::broker {

Result<PullMessageRequestHeader> parse_pull_message_header(const remoting::ExtFields& ext) {
  PullMessageRequestHeader h;
  RINGMQ_TRY_ASSIGN(auto group, ext.get_string("consumerGroup"));
  RINGMQ_TRY_ASSIGN(auto topic, ext.get_string("topic"));
  h.consumer_group = std::string(group);
  h.topic = std::string(topic);
  RINGMQ_TRY_ASSIGN(h.queue_id, ext.get_int32("queueId"));
  RINGMQ_TRY_ASSIGN(h.queue_offset, ext.get_int64("queueOffset"));
  RINGMQ_TRY_ASSIGN(h.max_msg_nums, ext.get_int32("maxMsgNums"));
  RINGMQ_TRY_ASSIGN(h.sys_flag, ext.get_int32("sysFlag"));
  RINGMQ_TRY_ASSIGN(h.commit_offset, ext.get_int64("commitOffset"));
  RINGMQ_TRY_ASSIGN(h.suspend_timeout_ms, ext.get_int64("suspendTimeoutMillis"));
  RINGMQ_TRY_ASSIGN(h.sub_version, ext.get_int64_or("subVersion", 0));
  if (auto s = ext.get("subscription")) h.subscription = std::string(*s);
  if (auto t = ext.get("expressionType"); t && !t->empty()) h.expression_type = std::string(*t);
  RINGMQ_TRY_ASSIGN(h.max_msg_bytes, ext.get_int32_or("maxMsgBytes", 0));
  return h;
}

}  // namespace ringmq::broker
