// Message lookups of the client's admin API (RocketMQ's MQAdminImpl#queryMessage / #viewMessage
// and DefaultMQAdminExtImpl#viewMessage(topic, msgId)): by key or unique key through every master's
// IndexFile (QUERY_MESSAGE), and by offset message id (VIEW_MESSAGE_BY_ID).
//
// Threading: any thread but the instance's reactor (the calls block until the brokers answer).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "client/client_instance.h"
#include "client/message.h"

namespace ringmq::client {

// DefaultMQAdminExt#timeoutMillis, and MQAdminImpl's unique-key query size.
inline constexpr std::int64_t kAdminQueryTimeoutMs = 5000;
inline constexpr std::int32_t kUniqueKeyQueryMaxNum = 32;

struct QueryResult {
  // The newest index entry's store time among the brokers asked (indexLastUpdateTimestamp).
  std::int64_t index_last_update_timestamp_ms = 0;
  std::vector<MessageExt> messages;
};

// A refused admin call, kept for `ringmq admin --json` error output (the CLI's AdminSession records
// its own calls' refusals in this type too).
struct AdminCallFailure {
  std::string peer;        // "broker 127.0.0.1:10911" or "namesrv 127.0.0.1:9876"
  std::int32_t code = -1;  // RocketMQ response code; -1 when the call itself failed
  std::string remark;
};

// QUERY_MESSAGE on every master of `topic`. Records whose key only collides in the index are
// dropped; for a unique key the earliest stored copy is kept, as MQAdminImpl does. No match is an
// empty result (Java throws NO_MESSAGE); a broker that refuses fails the call, naming it and its code.
Result<QueryResult> query_message(ClientInstance& instance, const std::string& topic, const std::string& key,
                                  std::int32_t max_num, std::int64_t begin_ms, std::int64_t end_ms, bool unique_key,
                                  AdminCallFailure* failure = nullptr);

// VIEW_MESSAGE_BY_ID at the broker an offset message id names.
Result<MessageExt> view_message(ClientInstance& instance, const std::string& offset_msg_id,
                                AdminCallFailure* failure = nullptr);

// An offset message id first; if it does not decode or its broker does not have it, the id is taken
// as a unique key of `topic` (DefaultMQAdminExtImpl#viewMessage(topic, msgId)).
Result<MessageExt> view_message(ClientInstance& instance, const std::string& topic, const std::string& msg_id,
                                AdminCallFailure* failure = nullptr);

}  // namespace ringmq::client
