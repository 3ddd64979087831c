// Names and limits of RocketMQ's transactional messages (docs/PROTOCOL.md; RocketMQ
// B/transaction/queue/TransactionalMessageUtil.java), shared by the send path, END_TRANSACTION and
// the check service.
//
// A half message lives in RMQ_SYS_TRANS_HALF_TOPIC queue 0 until a decision is written for it to
// RMQ_SYS_TRANS_OP_HALF_TOPIC queue 0: an op message tagged "d" whose body is the half message's
// queue offset in decimal. The check service consumes both queues as the group CID_SYS_RMQ_TRANS,
// whose offsets persist in consumerOffset.json like any group's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ringmq::broker::transaction {

inline constexpr std::string_view kRemoveTag = "d";
inline constexpr std::string_view kCheckGroup = "CID_SYS_RMQ_TRANS";
// RocketMQ keeps one half queue and one op queue (queue 0 of each).
inline constexpr std::int32_t kHalfQueueId = 0;
inline constexpr std::int32_t kCheckMaxTimeQueueId = 0;

// Upper bound accepted for transactionCheckMax (RocketMQ has none; 1000 checks at the default
// interval is 16 hours, longer than any producer keeps a transaction open).
inline constexpr std::int32_t kTransactionCheckMaxLimit = 1'000;

// What one check round reads: op entries (16 bytes each once parsed) and half messages (whole
// records, re-put or sent to producers). A round that stops at the half limit continues in the
// next round from where it stopped.
inline constexpr std::size_t kOpEntriesPerCheckMax = 1 << 16;
inline constexpr std::size_t kOpReadBatch = 1'024;
inline constexpr std::size_t kHalfMessagesPerCheckMax = 1'024;

}  // namespace ringmq::broker::transaction
