// The messages of a transaction as the broker builds them (RocketMQ TransactionalMessageBridge,
// EndTransactionProcessor#endMessageTransaction, DefaultTransactionalMessageCheckListener):
// pure transformations of properties and stored records into InnerMessages; no I/O. The callers
// append them on the core owning the target queue (MessageAppendService).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "broker/append/inner_message.h"
#include "broker/transaction/transaction_check_plan.h"
#include "store/record_format.h"

namespace ringmq::broker::transaction {

// Whether a send's properties carry TRAN_MSG=true (Java Boolean.parseBoolean: "true" in any case).
bool is_transaction_prepared(std::string_view properties);

// parseHalfMessageInner: a prepared send goes to RMQ_SYS_TRANS_HALF_TOPIC queue 0 with REAL_TOPIC
// and REAL_QID added and its transaction type cleared, so the store gives it a queue offset. Call
// only when is_transaction_prepared(properties).
void divert_to_half(std::string& topic, std::int32_t& queue_id, std::string& properties, std::int32_t& sys_flag);

// endMessageTransaction: the committed message for the half record `half`: REAL_TOPIC/REAL_QID as
// topic and queue, those two and TRAN_MSG removed, WAIT=false, sysFlag commit type, the half's
// physical offset as preparedTransactionOffset. invalid_argument if REAL_TOPIC/REAL_QID are missing.
Result<InnerMessage> commit_message_of(const store::RecordView& half, const store::HostAddress& store_host);

// makeOpMessageInner: the op message recording a decision ("d") on half queue offset
// `half_offset`, for RMQ_SYS_TRANS_OP_HALF_TOPIC queue 0.
InnerMessage op_message_of(std::int64_t half_offset, const store::HostAddress& store_host, std::int64_t now_ms);

// renewHalfMessageInner (check: TRANSACTION_CHECK_TIMES = check_times + 1) and
// renewImmunityHalfMessageInner (TRAN_PREPARED_QUEUE_OFFSET = its queue offset, if not set):
// the same half message appended again at the end of the half queue.
InnerMessage renewed_for_check(const store::RecordView& half, std::int32_t check_times);
InnerMessage renewed_for_immunity(const store::RecordView& half);

// resolveDiscardMsg: a half message checked transactionCheckMax times, for
// TRANS_CHECK_MAX_TIME_TOPIC queue 0 (kept for an operator, never delivered to the real topic).
InnerMessage discarded_message_of(const store::RecordView& half);

// What plan_check needs of a half record.
HalfInfo half_info_of(const store::RecordView& half, std::int64_t transaction_timeout_ms);

// The CHECK_TRANSACTION_STATE request of a re-put half message (Broker2Client
// #checkProducerTransactionState): header fields and the message encoded as a stored record with
// its real topic and queue (MessageDecoder#encode).
struct CheckRequest {
  std::string producer_group;
  std::int64_t commit_log_offset = 0;
  std::int64_t tran_state_table_offset = 0;
  std::string offset_msg_id;  // hex
  std::string msg_id;         // UNIQ_KEY
  std::string body;
};
// `half` is the renewed message as appended (`appended` says where).
Result<CheckRequest> check_request_of(const InnerMessage& half, const store::AppendResult& appended);

}  // namespace ringmq::broker::transaction
