// PullMessageRequestHeader (ROCKETMQ-PROTOCOL.md §6.4) and the job a pull becomes while it is
// served: parsed on the receiving core, executed (and possibly parked) on the queue's core,
// answered on the receiving core.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "broker/reply_target.h"
#include "reactor/timers.h"
#include "remoting/command.h"
#include "store/shard_store.h"

namespace ringmq::broker {

struct PullMessageRequestHeader {
  std::string consumer_group;
  std::string topic;
  std::int32_t queue_id = 0;
  std::int64_t queue_offset = 0;
  std::int32_t max_msg_nums = 32;
  std::int32_t sys_flag = 0;
  std::int64_t commit_offset = 0;
  std::int64_t suspend_timeout_ms = 0;
  std::string subscription;  // present with the subscription flag
  std::int64_t sub_version = 0;
  std::string expression_type = "TAG";
  std::int32_t max_msg_bytes = 0;  // 5.x; 0 = none
};

Result<PullMessageRequestHeader> parse_pull_message_header(const remoting::ExtFields& ext);

// Messages one pull returns at most whatever the client asks (RocketMQ
// maxTransferCountOnMessageInMemory) and the bytes after which it stops adding
// (maxTransferBytesOnMessageInMemory; one message is always returned).
inline constexpr std::int32_t kPullMessagesMax = 32;
inline constexpr std::size_t kPullTransferBytesMax = 256 * 1024;
// Longest a pull is parked whatever suspendTimeoutMillis asks (clients send 15-30 s). The value
// comes from the client: unbounded, it overflowed the timer deadline (ms * 10^6) and could keep
// a dead connection's pull in a per-queue slot for ever.
inline constexpr std::int64_t kPullSuspendTimeoutMaxMs = 60'000;

struct PullJob {
  ReplyTarget target;
  RequestRef ref;
  PullMessageRequestHeader header;
  // Tag codes the messages must carry (empty = every message).
  std::vector<std::int64_t> tag_codes;
  std::int64_t suggest_broker_id = 0;
  bool may_suspend = true;  // cleared once parked: a re-execution answers whatever it finds
  // Set while parked in a PullRequestHoldService.
  std::uint64_t hold_id = 0;
  reactor::TimerId hold_timer;
  // The answer, filled on the queue's core.
  std::int32_t code = 0;
  const char* remark = "";
  store::GetResult result;
};

}  // namespace ringmq::broker
