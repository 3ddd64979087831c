// The job a PULL_MESSAGE (docs/PROTOCOL.md §6.4) becomes while it is served: parsed on the
// receiving core, executed (and possibly parked) on the queue's core, answered on the receiving
// core. The header itself is remoting::PullMessageRequestHeader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker/broker_limits.h"
#include "broker/ha/slave_read.h"
#include "broker/processor/reply_target.h"
#include "reactor/timers.h"
#include "remoting/pull_message_header.h"
#include "store/shard_store.h"

namespace ringmq::broker {

struct PullJob {
  ReplyTarget target;
  RequestRef ref;
  remoting::PullMessageRequestHeader header;
  // Tag codes the messages must carry (empty = every message).
  std::vector<std::int64_t> tag_codes;
  // The SQL92 filter over the stored records' properties (empty for TAG subscriptions).
  store::RecordFilter record_filter;
  // The group's brokerId / whichBrokerWhenConsumeSlowly, read on the receiving core.
  ha::GroupReadTargets read_targets;
  std::int64_t suggest_broker_id = 0;
  bool may_suspend = true;  // cleared once parked: a re-execution answers whatever it finds
  // Set while parked in a PullRequestHoldService.
  std::uint64_t hold_id = 0;
  // Monotonic time the pull arrived, or was woken from its long poll (the pull latency metric).
  std::int64_t started_ns = 0;
  reactor::TimerId hold_timer;
  // The answer, filled on the queue's core.
  std::int32_t code = 0;
  const char* remark = "";
  store::GetResult result;
};

}  // namespace ringmq::broker
