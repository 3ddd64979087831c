// MessageAppendService: the one way the broker appends messages to a core's ShardStore (RocketMQ
// DefaultMessageStore#putMessage with its StoreStatsService counters and the dispatch that wakes
// long polls). Every append path goes through it: send and batch send, reply messages,
// send-back to retry/DLQ, delayed delivery, transaction half/commit/op/check messages. So each
// append gets the same tag code, the same statistics and the same on-append hook:
// - tags_code: the TAGS hash, or for SCHEDULE_TOPIC_XXXX the time the message is due;
// - stats: CoreStats put totals for every append; a producer's send (AppendSource::producer) also
//   counts in the put latency buckets, putMessageFailedTimes and the per-topic TOPIC_PUT_NUMS /
//   TOPIC_PUT_SIZE items (the metrics name those "SEND" figures); the broker's own appends do not;
// - the hook (append_hook_of): slaves waiting for bytes, parked pulls on the queue, the delay
//   level of a SCHEDULE_TOPIC_XXXX queue.
//
// Ownership and lifetime: one per core, in its CoreState, used only on that core; made when its
// shard is opened (before the cores run) and dropped with it.
// Promise: put() returns once the store has taken the record. Appends are staged by the CommitLog
// and reach the page cache at the end of the reactor pass (BrokerRuntime::commit_pass), before the
// pass's replies leave; durability is GroupCommit's. The hook runs as soon as the store has taken
// the message.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "broker/append/inner_message.h"
#include "broker/schedule/delay_levels.h"
#include "broker/stats/broker_stats.h"
#include "broker/stats/core_stats.h"
#include "store/shard_store.h"

namespace ringmq::broker {

class BrokerRuntime;
struct CoreState;

// Who a message comes from, which decides what it counts in (see above).
enum class AppendSource { producer, broker };

class MessageAppendService {
 public:
  // Runs after each message appended: its topic, queue and ConsumeQueue tag code.
  using OnAppended = std::function<void(std::string_view topic, std::int32_t queue_id, std::int64_t tags_code)>;

  MessageAppendService(store::ShardStore& shard, const DelayLevels& delay_levels, CoreStats& stats,
                       CoreStatsSet& stats_set, OnAppended on_appended);

  // Appends one message; sets in.tags_code.
  Result<store::AppendResult> put(store::MessageInput& in, AppendSource source);
  // A message the broker writes on its own behalf.
  Result<store::AppendResult> put(const InnerMessage& m);
  // A producer's batch: consecutive records in one queue; `results` gets one entry per message.
  Status put_batch(std::span<store::MessageInput> inputs, std::vector<store::AppendResult>& results);

  // ConsumeQueue tag code of a message: TAGS hash, or for SCHEDULE_TOPIC_XXXX the time it is due.
  std::int64_t tags_code_of(std::string_view topic, std::int32_t queue_id, std::string_view properties,
                            std::int64_t store_timestamp_ms) const;

 private:
  void count(AppendSource source, std::string_view topic, std::span<const store::AppendResult> results,
             std::int64_t start_ns);
  void count_failure(AppendSource source);

  store::ShardStore& shard_;
  const DelayLevels& delay_levels_;
  CoreStats& stats_;
  CoreStatsSet& stats_set_;
  OnAppended on_appended_;
};

// The broker's on-append hook for core `cs`: HA notification (slaves waiting for bytes), then the
// delay level's delivery for SCHEDULE_TOPIC_XXXX appends, else a wake of the pulls parked on the
// queue (PullRequestHoldService#notifyMessageArriving).
MessageAppendService::OnAppended append_hook_of(BrokerRuntime& rt, CoreState& cs);

}  // namespace ringmq::broker
