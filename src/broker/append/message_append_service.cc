#include "broker/append/message_append_service.h"

#include <algorithm>
#include <utility>

#include "base/clock.h"
#include "broker/broker_runtime.h"
#include "broker/ha/ha_service.h"
#include "broker/longpolling/pull_request_hold_service.h"
#include "broker/schedule/schedule_message_service.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker {

MessageAppendService::MessageAppendService(store::ShardStore& shard, const DelayLevels& delay_levels, CoreStats& stats,
                                           CoreStatsSet& stats_set, OnAppended on_appended)
    : shard_(shard),
      delay_levels_(delay_levels),
      stats_(stats),
      stats_set_(stats_set),
      on_appended_(std::move(on_appended)) {}

std::int64_t MessageAppendService::tags_code_of(std::string_view topic, std::int32_t queue_id,
                                                std::string_view properties, std::int64_t store_timestamp_ms) const {
  if (topic == remoting::system_topic::kSchedule) return store_timestamp_ms + delay_levels_.delay_ms(queue_id + 1);
  return store::tag_hash_of(properties);
}

Result<store::AppendResult> MessageAppendService::put(store::MessageInput& in, AppendSource source) {
  const std::int64_t start_ns = monotonic_ns();
  const std::int64_t now = wall_clock_ms();
  in.tags_code = tags_code_of(in.topic, in.queue_id.value, in.properties, now);
  Result<store::AppendResult> appended = shard_.put(in, now);
  if (!appended.ok()) {
    count_failure(source);
    return appended;
  }
  count(source, in.topic, std::span(&*appended, 1), start_ns);
  if (on_appended_) on_appended_(in.topic, in.queue_id.value, in.tags_code);
  return appended;
}

Result<store::AppendResult> MessageAppendService::put(const InnerMessage& m) {
  store::MessageInput in = message_input_of(m);
  return put(in, AppendSource::broker);
}

Status MessageAppendService::put_batch(std::span<store::MessageInput> inputs, std::vector<store::AppendResult>& results) {
  const std::int64_t start_ns = monotonic_ns();
  const std::int64_t now = wall_clock_ms();
  for (auto& in : inputs) in.tags_code = tags_code_of(in.topic, in.queue_id.value, in.properties, now);
  results.resize(inputs.size());
  if (Status st = shard_.put_batch(inputs, now, results); !st.ok()) {
    count_failure(AppendSource::producer);
    return st;
  }
  if (inputs.empty()) return {};
  count(AppendSource::producer, inputs.front().topic, results, start_ns);
  if (on_appended_) {
    for (const auto& in : inputs) on_appended_(in.topic, in.queue_id.value, in.tags_code);
  }
  return {};
}

void MessageAppendService::count(AppendSource source, std::string_view topic,
                                 std::span<const store::AppendResult> results, std::int64_t start_ns) {
  std::uint64_t bytes = 0;
  for (const auto& r : results) bytes += r.size;
  stats_.put_messages += results.size();
  stats_.put_bytes += bytes;
  if (source != AppendSource::producer) return;
  stats_set_.record_put(topic, results.size(), bytes);
  const std::int64_t put_us = (monotonic_ns() - start_ns) / 1000;
  stats_.put_time_max_us = std::max(stats_.put_time_max_us, put_us);
  ++stats_.put_latency_buckets[put_latency_bucket(put_us)];
  stats_.put_latency_sum_us += static_cast<std::uint64_t>(put_us);
}

void MessageAppendService::count_failure(AppendSource source) {
  if (source == AppendSource::producer) ++stats_.put_failures;
}

MessageAppendService::OnAppended append_hook_of(BrokerRuntime& rt, CoreState& cs) {
  return [&rt, &cs](std::string_view topic, std::int32_t queue_id, std::int64_t tags_code) {
    if (rt.ha()) rt.ha()->on_appended(cs);  // slaves waiting for bytes (broker/ha)
    if (topic == remoting::system_topic::kSchedule) {
      if (cs.schedule) cs.schedule->on_arrival(queue_id + 1, tags_code);
      return;
    }
    if (cs.holds) cs.holds->notify_arrival(topic, queue_id, tags_code);
  };
}

}  // namespace ringmq::broker
