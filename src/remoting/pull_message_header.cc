#include "remoting/pull_message_header.h"

#include <string>
#include <string_view>

namespace ringmq::remoting {
namespace {

constexpr std::string_view kConsumerGroup = "consumerGroup";
constexpr std::string_view kTopic = "topic";
constexpr std::string_view kQueueId = "queueId";
constexpr std::string_view kQueueOffset = "queueOffset";
constexpr std::string_view kMaxMsgNums = "maxMsgNums";
constexpr std::string_view kSysFlag = "sysFlag";
constexpr std::string_view kCommitOffset = "commitOffset";
constexpr std::string_view kSuspendTimeoutMillis = "suspendTimeoutMillis";
constexpr std::string_view kSubscription = "subscription";
constexpr std::string_view kSubVersion = "subVersion";
constexpr std::string_view kExpressionType = "expressionType";
constexpr std::string_view kMaxMsgBytes = "maxMsgBytes";

// The fields a header holds at most.
constexpr std::size_t kPullHeaderFieldsMax = 12;

void append_number(ExtFields& ext, std::string_view key, std::int64_t value) {
  ext.append(key, std::to_string(value));
}

}  // namespace

Result<PullMessageRequestHeader> parse_pull_message_header(const ExtFields& ext) {
  PullMessageRequestHeader h;
  RINGMQ_TRY_ASSIGN(auto group, ext.get_string(kConsumerGroup));
  RINGMQ_TRY_ASSIGN(auto topic, ext.get_string(kTopic));
  h.consumer_group = std::string(group);
  h.topic = std::string(topic);
  RINGMQ_TRY_ASSIGN(h.queue_id, ext.get_int32(kQueueId));
  RINGMQ_TRY_ASSIGN(h.queue_offset, ext.get_int64(kQueueOffset));
  RINGMQ_TRY_ASSIGN(h.max_msg_nums, ext.get_int32(kMaxMsgNums));
  RINGMQ_TRY_ASSIGN(h.sys_flag, ext.get_int32(kSysFlag));
  RINGMQ_TRY_ASSIGN(h.commit_offset, ext.get_int64(kCommitOffset));
  RINGMQ_TRY_ASSIGN(h.suspend_timeout_ms, ext.get_int64(kSuspendTimeoutMillis));
  RINGMQ_TRY_ASSIGN(h.sub_version, ext.get_int64_or(kSubVersion, 0));
  if (auto s = ext.get(kSubscription)) h.subscription = std::string(*s);
  if (auto t = ext.get(kExpressionType); t && !t->empty()) h.expression_type = std::string(*t);
  if (ext.contains(kMaxMsgBytes)) {
    RINGMQ_TRY_ASSIGN(h.max_msg_bytes, ext.get_int32(kMaxMsgBytes));
  }
  return h;
}

void write_pull_message_header(const PullMessageRequestHeader& header, ExtFields& ext) {
  ext.reserve(ext.size() + kPullHeaderFieldsMax);
  ext.append(kConsumerGroup, header.consumer_group);
  ext.append(kTopic, header.topic);
  append_number(ext, kQueueId, header.queue_id);
  append_number(ext, kQueueOffset, header.queue_offset);
  append_number(ext, kMaxMsgNums, header.max_msg_nums);
  append_number(ext, kSysFlag, header.sys_flag);
  append_number(ext, kCommitOffset, header.commit_offset);
  append_number(ext, kSuspendTimeoutMillis, header.suspend_timeout_ms);
  if (header.subscription) ext.append(kSubscription, *header.subscription);
  append_number(ext, kSubVersion, header.sub_version);
  ext.append(kExpressionType, header.expression_type);
  if (header.max_msg_bytes) append_number(ext, kMaxMsgBytes, *header.max_msg_bytes);
}

}  // namespace ringmq::remoting
