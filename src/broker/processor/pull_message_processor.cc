#include "broker/processor/pull_message_processor.h"

#include <algorithm>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker_runtime.h"
#include "broker/filter/expression_message_filter.h"
#include "broker/ha/slave_read.h"
#include "broker/offset/consumer_offset_manager.h"
#include "broker/longpolling/pull_request_hold_service.h"
#include "broker/queue_shard.h"
#include "broker/subscription/subscription_group_manager.h"
#include "broker/processor/wire_error.h"
#include "remoting/message_sysflag.h"
#include "remoting/response_code.h"

namespace ringmq::broker {
namespace {

namespace rc = remoting::response_code;
namespace psf = remoting::pull_sysflag;
using store::GetStatus;

// The subscription the pull filters by: from the request (subscription flag) or from the group's
// heartbeat (Java push consumers). Fills job.tag_codes. `group_config`: the group's config, or null.
WireError resolve_subscription(const BrokerConfig& config, const CoreState& cs, const SubscriptionGroupConfig* group_config,
                               PullJob& job) {
  const auto& h = job.header;
  SubscriptionData sub;
  if ((h.sys_flag & psf::kSubscription) != 0) {
    sub = build_subscription(h.topic, h.subscription.value_or(""), h.expression_type);
  } else {
    const ConsumerGroupView* group = cs.consumers ? cs.consumers->find_group(h.consumer_group) : nullptr;
    if (group == nullptr) return {rc::kSubscriptionNotExist, "the consumer's group info not exist"};
    if (group->message_model == MessageModel::broadcasting && group_config != nullptr &&
        !group_config->consume_broadcast_enable) {
      return {rc::kNoPermission, "the consumer group[" + h.consumer_group + "] can not consume by broadcast way"};
    }
    auto it = group->subscriptions.find(h.topic);
    if (it == group->subscriptions.end()) return {rc::kSubscriptionNotExist, "the consumer's subscription not exist"};
    if (it->second.sub_version < h.sub_version) return {rc::kSubscriptionNotLatest, "the consumer's subscription not latest"};
    sub = it->second;
  }
  if (!is_tag_type(sub.expression_type)) {
    WireError refusal;
    auto compiled = compiled_filter(config, sub, (h.sys_flag & psf::kSubscription) != 0, refusal);
    if (!compiled.ok()) return refusal;
    job.record_filter = record_filter(std::move(compiled).value());
    return {};
  }
  if (!sub.all()) {
    for (std::int32_t c : sub.code_set) job.tag_codes.push_back(c);
    if (job.tag_codes.empty()) job.tag_codes.push_back(0);  // an expression with no tags matches nothing tagged
  }
  return {};
}

// `config`: the group's subscription group config on this core, or null.
WireError check_pull(BrokerRuntime& rt, CoreState& cs, const SubscriptionGroupConfig* config, PullJob& job) {
  const auto& h = job.header;
  const TopicConfig* topic = cs.topics->find(h.topic);
  if (config == nullptr && !rt.config().auto_create_subscription_group) {
    return {rc::kSubscriptionGroupNotExist, "subscription group [" + h.consumer_group + "] does not exist"};
  }
  // Auto-creation would be refused on core 0; this core's snapshot is at most a publish behind.
  if (config == nullptr && cs.consumers != nullptr && cs.consumers->group_configs.size() >= kSubscriptionGroupsMax) {
    return {rc::kSubscriptionGroupNotExist, SubscriptionGroupManager::limit_remark(h.consumer_group)};
  }
  if (config != nullptr && !config->consume_enable) {
    return {rc::kNoPermission, "subscription group no permission, " + h.consumer_group};
  }
  if (topic == nullptr) return {rc::kTopicNotExist, "topic[" + h.topic + "] not exist, apply first please!"};
  if (!perm::is_readable(topic->perm)) return {rc::kNoPermission, "the topic[" + h.topic + "] pulling message is forbidden"};
  if (h.queue_id < 0 || h.queue_id >= topic->read_queue_nums) {
    return {rc::kSystemError, "queueId[" + std::to_string(h.queue_id) + "] is illegal, topic:[" + h.topic +
                                  "] topicConfig.readQueueNums:[" + std::to_string(topic->read_queue_nums) + "]"};
  }
  // suggestWhichBrokerId is decided once the messages are read (execute_pull, ha/slave_read.h).
  return resolve_subscription(rt.config(), cs, config, job);
}

const char* status_name(GetStatus s) {
  switch (s) {
    case GetStatus::found: return "FOUND";
    case GetStatus::no_matched_message: return "NO_MATCHED_MESSAGE";
    case GetStatus::no_message_in_queue: return "NO_MESSAGE_IN_QUEUE";
    case GetStatus::offset_too_small: return "OFFSET_TOO_SMALL";
    case GetStatus::offset_overflow_one: return "OFFSET_OVERFLOW_ONE";
    case GetStatus::offset_overflow_badly: return "OFFSET_OVERFLOW_BADLY";
    case GetStatus::offset_found_null: return "MESSAGE_WAS_REMOVING";
  }
  return "";
}

// RocketMQ's mapping of a store status to a response code (§6.4 table).
std::int32_t code_for(GetStatus s, std::int64_t request_offset) {
  switch (s) {
    case GetStatus::found: return rc::kSuccess;
    case GetStatus::no_message_in_queue: return request_offset != 0 ? rc::kPullOffsetMoved : rc::kPullNotFound;
    case GetStatus::offset_too_small:
    case GetStatus::offset_overflow_badly: return rc::kPullOffsetMoved;
    case GetStatus::offset_overflow_one: return rc::kPullNotFound;
    case GetStatus::no_matched_message:
    case GetStatus::offset_found_null: return rc::kPullRetryImmediately;
  }
  return rc::kSystemError;
}

// Sends the header and the records as one frame: contiguous records go as one borrowed slice,
// the rest (records past a CommitLog segment boundary) as one slice each; the pins are released
// when the kernel has taken the last byte.
Status send_records(rpc::ReplyContext& reply, remoting::RemotingCommand header, store::GetResult& result) {
  std::vector<Bytes> slices;
  for (const store::MessageRange& m : result.messages) {
    const Bytes b = result.bytes(m);
    if (!slices.empty() && slices.back().data() + slices.back().size() == b.data()) {
      slices.back() = Bytes{slices.back().data(), slices.back().size() + b.size()};
    } else {
      slices.push_back(b);
    }
  }
  auto pins = std::make_shared<std::vector<store::MappedFilePtr>>(std::move(result.pins));
  if (slices.size() == 1) return reply.reply_borrowed(std::move(header), slices[0], [pins](const Status&) {});
  return reply.reply_borrowed(std::move(header), slices, std::move(pins));
}

// Step 3, on the receiving core.
void answer_pull(BrokerRuntime& rt, std::unique_ptr<PullJob> job) {
  auto reply = rt.take_reply(job->target);
  if (!reply) return;
  rt.core_state(job->target.core).stats.pull_latency.record((monotonic_ns() - job->started_ns) / 1000);
  auto response = make_response(job->ref, job->code, job->remark);
  response.has_ext_fields = true;
  const auto& r = job->result;
  response.ext_fields.set_int("suggestWhichBrokerId", job->suggest_broker_id);
  response.ext_fields.set_int("nextBeginOffset", r.next_begin_offset.value);
  response.ext_fields.set_int("minOffset", r.min_offset.value);
  response.ext_fields.set_int("maxOffset", r.max_offset.value);
  Status st = job->code == rc::kSuccess && !r.messages.empty() ? send_records(*reply, std::move(response), job->result)
                                                               : reply->reply(std::move(response));
  if (!st.ok() && st.error().code != Errc::closed) log_warn("pull reply failed: {}", st.error().to_string());
}

void send_home(BrokerRuntime& rt, CoreState& owner, std::unique_ptr<PullJob> job) {
  if (job->target.core == owner.core) return answer_pull(rt, std::move(job));
  const unsigned home = job->target.core;
  rt.post(home, [&rt, j = std::move(job)]() mutable { answer_pull(rt, std::move(j)); });
}

void answer_error(BrokerRuntime& rt, const RequestContext& ctx, const WireError& c) {
  rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, c.code, c.remark));
}

}  // namespace

void execute_pull(BrokerRuntime& rt, CoreState& owner, std::unique_ptr<PullJob> job) {
  if (!job->may_suspend) job->started_ns = monotonic_ns();  // woken from a long poll: the wait is not latency
  const auto& h = job->header;
  const std::size_t max_messages = static_cast<std::size_t>(std::clamp(h.max_msg_nums, 1, kPullMessagesMax));
  std::size_t max_bytes = kPullTransferBytesMax;
  if (h.max_msg_bytes.value_or(0) > 0) {
    max_bytes = std::min<std::size_t>(max_bytes, static_cast<std::size_t>(*h.max_msg_bytes));
  }
  job->result = owner.shard->get_messages(h.topic, store::QueueId{h.queue_id}, store::QueueOffset{h.queue_offset},
                                          max_messages, max_bytes, job->tag_codes, job->record_filter);
  job->code = code_for(job->result.status, h.queue_offset);
  job->remark = status_name(job->result.status);
  owner.stats.get_messages += job->result.messages.size();
  owner.stats.get_bytes += job->result.total_bytes;
  if (job->result.messages.empty()) {
    ++owner.stats.get_miss_requests;
  } else {
    ++owner.stats.get_found_requests;
    owner.stats_set.record_get(h.topic, h.consumer_group, job->result.messages.size(), job->result.total_bytes);
  }
  if (job->code == rc::kPullNotFound && job->may_suspend && (h.sys_flag & psf::kSuspend) != 0) {
    const std::int64_t asked_ms = rt.config().long_polling_enable ? h.suspend_timeout_ms : rt.config().short_polling_time_ms;
    const std::int64_t hold_ms = std::clamp<std::int64_t>(asked_ms, 0, kPullSuspendTimeoutMaxMs);
    job->result = {};  // nothing pinned while parked
    job = owner.holds->hold(std::move(job), hold_ms);
    if (!job) return;
    // Parking refused (limits): answer now what was found.
    job->result = owner.shard->get_messages(h.topic, store::QueueId{h.queue_id}, store::QueueOffset{h.queue_offset},
                                            max_messages, max_bytes, job->tag_codes, job->record_filter);
  }
  if (rt.config().slave_read_enable) {
    static const std::int64_t ram = ha::physical_memory_bytes();
    job->suggest_broker_id = ha::suggest_broker_id(rt.config(), job->read_targets, job->result,
                                                   owner.shard->commit_log().write_offset().value, ram);
  }
  send_home(rt, owner, std::move(job));
}

void process_pull_message(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto header = remoting::parse_pull_message_header(request.ext_fields);
  if (!header.ok()) return answer_error(ctx.rt, ctx, {rc::kSystemError, header.error().to_string()});
  auto job = std::make_unique<PullJob>();
  job->started_ns = monotonic_ns();
  job->target = ctx.target;
  job->ref = ctx.ref;
  job->header = std::move(header).value();
  const auto& h = job->header;
  // The group's config is looked up once here; the queue's core gets what it needs in the job.
  const SubscriptionGroupConfig* group = ctx.cs.consumers ? ctx.cs.consumers->find_config(h.consumer_group) : nullptr;
  if (WireError c = check_pull(ctx.rt, ctx.cs, group, *job); !c.ok()) return answer_error(ctx.rt, ctx, c);
  job->read_targets = ha::GroupReadTargets::of(group);
  if (group == nullptr) {
    ctx.rt.run_on(0, [&rt = ctx.rt, g = h.consumer_group] { ensure_subscription_group(rt, g); });
  }
  if ((h.sys_flag & psf::kCommitOffset) != 0 && ctx.rt.config().role != BrokerRole::slave) {
    ctx.rt.run_on(0, [&rt = ctx.rt, g = h.consumer_group, t = h.topic, q = h.queue_id, o = h.commit_offset] {
      // The pull itself goes on; a refused commit only costs a log line (it has no reply of its own).
      auto [code, remark] = commit_consumer_offset(rt, g, t, q, o);
      if (code != rc::kSuccess) log_warn("pull of group {}: commit offset refused: {}", g, remark);
    });
  }
  const unsigned owner = shard_of_queue(h.topic, h.queue_id, ctx.rt.core_count()).value;
  if (owner == ctx.cs.core) return execute_pull(ctx.rt, ctx.cs, std::move(job));
  ctx.rt.post(owner, [&rt = ctx.rt, owner, j = std::move(job)]() mutable {
    execute_pull(rt, rt.core_state(owner), std::move(j));
  });
}

}  // namespace ringmq::broker
