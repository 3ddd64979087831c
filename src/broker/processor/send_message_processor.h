// SendMessageProcessor: SEND_MESSAGE (10), SEND_MESSAGE_V2 (310, with or without m=true) and
// SEND_BATCH_MESSAGE (320) (docs/PROTOCOL.md §5.1-5.5).
//
// Flow across cores (docs/ARCHITECTURE.md §3):
//   1. receiving core: parse the header, run the checks that need no topic, look the topic up in
//      its snapshot; a missing topic goes to core 0 for auto-creation and continues there;
//   2. topic known: check perm and queue id, pick a queue if the client asked for -1, and hand the
//      SendJob (header, body, born host, reply target) to the core owning the queue;
//   3. owning core: build the record(s) (append/inner_message.h) and append them through its
//      MessageAppendService (stats, long-poll wake, HA); under --flush sync with WAIT, park the job
//      until group commit makes it durable (or the timeout passes); reply.
// The reply travels back to the receiving core, which writes it to the connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "broker/processor/broker_processors.h"
#include "broker/processor/reply_target.h"
#include "remoting/send_message_header.h"
#include "store/commit_log.h"

namespace ringmq::broker {

class BrokerRuntime;
struct CoreState;

struct SendJob {
  ReplyTarget target;
  RequestRef ref;
  std::int32_t request_code = 0;
  remoting::SendMessageRequestHeader header;
  std::string body;
  std::uint32_t born_ipv4 = 0;
  std::int32_t born_port = 0;
  std::int64_t received_ns = 0;
  // The queue the producer addressed, when a delay level moved the message to
  // SCHEDULE_TOPIC_XXXX (the reply names the producer's queue, as 4.9.4 does); -1 otherwise.
  std::int32_t origin_queue_id = -1;
  // Filled by the owning core.
  std::vector<store::AppendResult> results;
  std::string unique_key;
};

// Entry point on the receiving core.
void process_send_message(const RequestContext& ctx, remoting::RemotingCommand&& request);

// Answers a stored job (SUCCESS, or `code` such as FLUSH_DISK_TIMEOUT with the header filled).
void reply_stored(BrokerRuntime& rt, SendJob& job, std::int32_t code);

}  // namespace ringmq::broker
