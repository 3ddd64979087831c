// Message property keys (docs/PROTOCOL.md §4.3; MessageConst.java) and the separators of the
// properties string (§4.2). All property values are strings.
#pragma once

#include <string_view>

#include "protocol/properties.h"

namespace ringmq::remoting {

namespace property {

using protocol::kNameValueSeparator;
using protocol::kPropertySeparator;

inline constexpr std::string_view kKeys = "KEYS";
inline constexpr std::string_view kTags = "TAGS";
inline constexpr std::string_view kWaitStoreMsgOk = "WAIT";
inline constexpr std::string_view kDelayTimeLevel = "DELAY";
inline constexpr std::string_view kRetryTopic = "RETRY_TOPIC";
inline constexpr std::string_view kRealTopic = "REAL_TOPIC";
inline constexpr std::string_view kRealQueueId = "REAL_QID";
inline constexpr std::string_view kTransactionPrepared = "TRAN_MSG";
inline constexpr std::string_view kProducerGroup = "PGROUP";
inline constexpr std::string_view kMinOffset = "MIN_OFFSET";
inline constexpr std::string_view kMaxOffset = "MAX_OFFSET";
inline constexpr std::string_view kBuyerId = "BUYER_ID";
inline constexpr std::string_view kOriginMessageId = "ORIGIN_MESSAGE_ID";
inline constexpr std::string_view kTransferFlag = "TRANSFER_FLAG";
inline constexpr std::string_view kCorrectionFlag = "CORRECTION_FLAG";
inline constexpr std::string_view kMq2Flag = "MQ2_FLAG";
inline constexpr std::string_view kReconsumeTime = "RECONSUME_TIME";
inline constexpr std::string_view kMsgRegion = "MSG_REGION";
inline constexpr std::string_view kTraceSwitch = "TRACE_ON";
inline constexpr std::string_view kUniqClientMessageIdKeyidx = "UNIQ_KEY";
inline constexpr std::string_view kExtendUniqInfo = "EXTEND_UNIQ_INFO";
inline constexpr std::string_view kMaxReconsumeTimes = "MAX_RECONSUME_TIMES";
inline constexpr std::string_view kConsumeStartTimestamp = "CONSUME_START_TIME";
inline constexpr std::string_view kInnerNum = "INNER_NUM";
inline constexpr std::string_view kInnerBase = "INNER_BASE";
inline constexpr std::string_view kDupInfo = "DUP_INFO";
inline constexpr std::string_view kCheckImmunityTimeInSeconds = "CHECK_IMMUNITY_TIME_IN_SECONDS";
inline constexpr std::string_view kTransactionPreparedQueueOffset = "TRAN_PREPARED_QUEUE_OFFSET";
inline constexpr std::string_view kTransactionId = "__transactionId__";
inline constexpr std::string_view kTransactionCheckTimes = "TRANSACTION_CHECK_TIMES";
inline constexpr std::string_view kInstanceId = "INSTANCE_ID";
inline constexpr std::string_view kCorrelationId = "CORRELATION_ID";
inline constexpr std::string_view kMessageReplyToClient = "REPLY_TO_CLIENT";
inline constexpr std::string_view kMessageTtl = "TTL";
inline constexpr std::string_view kReplyMessageArriveTime = "ARRIVE_TIME";
inline constexpr std::string_view kPushReplyTime = "PUSH_REPLY_TIME";
inline constexpr std::string_view kMessageType = "MSG_TYPE";
inline constexpr std::string_view kCluster = "CLUSTER";
inline constexpr std::string_view kShardingKey = "__SHARDINGKEY";
inline constexpr std::string_view kPopCk = "POP_CK";
inline constexpr std::string_view kPopCkOffset = "POP_CK_OFFSET";
inline constexpr std::string_view kFirstPopTime = "1ST_POP_TIME";
inline constexpr std::string_view kTimerDelaySec = "TIMER_DELAY_SEC";
inline constexpr std::string_view kTimerDeliverMs = "TIMER_DELIVER_MS";
inline constexpr std::string_view kTimerDelayMs = "TIMER_DELAY_MS";
inline constexpr std::string_view kTimerEnqueueMs = "TIMER_ENQUEUE_MS";
inline constexpr std::string_view kTimerDequeueMs = "TIMER_DEQUEUE_MS";
inline constexpr std::string_view kTimerRollTimes = "TIMER_ROLL_TIMES";
inline constexpr std::string_view kTimerOutMs = "TIMER_OUT_MS";
inline constexpr std::string_view kTimerDelUniqkey = "TIMER_DEL_UNIQKEY";
inline constexpr std::string_view kTimerDelayLevel = "TIMER_DELAY_LEVEL";
inline constexpr std::string_view kBornHost = "__BORNHOST";
inline constexpr std::string_view kBornTimestamp = "BORN_TIMESTAMP";
inline constexpr std::string_view kCrc32 = "__CRC32#";
inline constexpr std::string_view kDlqOriginTopic = "DLQ_ORIGIN_TOPIC";
inline constexpr std::string_view kDlqOriginMessageId = "DLQ_ORIGIN_MESSAGE_ID";
inline constexpr std::string_view kStartDeliverTime = "__STARTDELIVERTIME";

// Keys with this prefix are never persisted (5.x).
inline constexpr std::string_view kTransientPrefix = "__RMQ.TRANSIENT.";
// MSG_TYPE value that marks a reply message (request/reply, §5.6).
inline constexpr std::string_view kReplyMessageFlag = "reply";

}  // namespace property

}  // namespace ringmq::remoting
