// The bytes a send puts into the store and the reply it gets back (docs/PROTOCOL.md §5.3,
// §5.4 step 9, §15): the properties string re-encoded for storage and the SendMessageResponseHeader
// ext fields. Pure functions; run on whichever core builds the record or the reply.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "broker/processor/reply_target.h"
#include "remoting/command.h"
#include "store/commit_log.h"

namespace ringmq::broker {

inline constexpr std::string_view kDefaultRegionId = "DefaultRegion";

// The properties a message is stored with: the client's, without WAIT (4.9 drops it) and with
// CLUSTER = the broker's cluster. Encoded as Java 4.9.4+ does (no 0x02 after the last pair).
std::string stored_properties(std::string_view client_properties, std::string_view cluster_name);

// Whether the producer waits for the store (WAIT absent or "true"); sync flush honours it.
bool wait_store_msg_ok(std::string_view client_properties);

// A successful (or FLUSH_DISK_TIMEOUT) send reply: msgId (comma-joined offset ids for a batch),
// queueId, queueOffset (first message), transactionId (the UNIQ_KEY of a single message, if any),
// MSG_REGION and TRACE_ON. `results` holds one AppendResult per stored message.
void fill_send_response(remoting::RemotingCommand& response, std::span<const store::AppendResult> results,
                        std::int32_t queue_id, std::string_view unique_key);

// An error reply carrying MSG_REGION and TRACE_ON as Java's pre-filled response does (Java
// clients read extFields without a null check).
remoting::RemotingCommand send_error_response(const remoting::RemotingCommand& request, std::int32_t code,
                                              std::string remark);
// The same from a RequestRef (reply_target.h), for replies built away from the request.
struct RequestRef;
remoting::RemotingCommand send_error_response_for(const RequestRef& ref, std::int32_t code, std::string remark);

}  // namespace ringmq::broker
