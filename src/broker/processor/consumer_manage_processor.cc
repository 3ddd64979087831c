// Consumer offsets and consumer admin (docs/PROTOCOL.md §6.5, §7.5, §7.7, §7.8; RocketMQ
// B/processor/ConsumerManageProcessor.java and the offset parts of AdminBrokerProcessor).
// Offsets and client tables live on core 0; queue facts (min/max offsets, store times) come from
// the queue's core.
#include <unistd.h>

#include <memory>

#include "base/log.h"
#include "broker/processor/broker_processors.h"
#include "broker/broker_runtime.h"
#include "broker/client/client_manager.h"
#include "broker/processor/consumer_bodies.h"
#include "broker/offset/consumer_offset_manager.h"
#include "broker/queue_shard.h"
#include "remoting/response_code.h"

namespace ringmq::broker {
namespace {

namespace rc = remoting::response_code;

// RocketMQ accessMessageInMemoryMaxRatio: a record within this share of RAM from the CommitLog
// tail counts as "in memory" (hot).
constexpr double kAccessMessageInMemoryMaxRatio = 0.40;

std::int64_t memory_bytes() {
  static const std::int64_t bytes = static_cast<std::int64_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
  return bytes;
}

void reply_error(const RequestContext& ctx, std::int32_t code, std::string remark) {
  ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, code, std::move(remark)));
}

void reply_offset(const RequestContext& ctx, std::int64_t offset) {
  auto response = make_response(ctx.ref, rc::kSuccess);
  response.has_ext_fields = true;
  response.ext_fields.set_int("offset", offset);
  ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
}

// 4.9.4 for a group with no stored offset: 0 when the queue's min offset is 0 and entry 0 is
// missing or still "in memory" (a new group on a young queue starts at the beginning), else
// QUERY_NOT_FOUND. Runs on the queue's core.
void answer_unknown_offset(const RequestContext& ctx, CoreState& owner, const std::string& topic, std::int32_t queue) {
  const store::ShardStore& shard = *owner.shard;
  if (shard.min_offset(topic, store::QueueId{queue}).value > 0) return reply_error(ctx, rc::kQueryNotFound, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
  const store::GetResult first = shard.get_messages(topic, store::QueueId{queue}, store::QueueOffset{0}, 1, 1, {});
  if (first.messages.empty()) return reply_offset(ctx, 0);
  const std::int64_t behind = shard.commit_log().write_offset().value - first.messages[0].offset.value;
  const bool hot = static_cast<double>(behind) <= kAccessMessageInMemoryMaxRatio * static_cast<double>(memory_bytes());
  if (hot) return reply_offset(ctx, 0);
  reply_error(ctx, rc::kQueryNotFound, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
}

struct OffsetHeader {
  std::string group;
  std::string topic;
  std::int32_t queue_id = 0;
};

Result<OffsetHeader> parse_offset_header(const remoting::ExtFields& ext) {
  OffsetHeader h;
  RINGMQ_TRY_ASSIGN(auto group, ext.get_string("consumerGroup"));
  RINGMQ_TRY_ASSIGN(auto topic, ext.get_string("topic"));
  RINGMQ_TRY_ASSIGN(h.queue_id, ext.get_int32("queueId"));
  h.group = std::string(group);
  h.topic = std::string(topic);
  return h;
}

// GET_CONSUME_STATS: fills broker offsets and store times on each queue's core, then answers.
struct StatsJob {
  RequestContext ctx;
  std::vector<ConsumeStatsEntry> entries;
  std::string group;
  std::vector<std::string> topics;
  double consume_tps = 0;  // GROUP_GET_NUMS' last-minute TPS over the topics, summed over cores
};

void finish_stats(const std::shared_ptr<StatsJob>& job) {
  auto response = make_response(job->ctx.ref, rc::kSuccess);
  response.body = encode_consume_stats(job->ctx.rt.config().broker_name, job->entries, job->consume_tps);
  job->ctx.rt.reply(job->ctx.target, job->ctx.ref, std::move(response));
}

}  // namespace

WireError commit_consumer_offset(BrokerRuntime& rt, const std::string& group, const std::string& topic,
                                 std::int32_t queue_id, std::int64_t offset) {
  // 4.9.4 stores any commit; 5.x refuses unknown topics and bad queue ids as here. Checking costs
  // one lookup and keeps clients from filling the table with queues that do not exist.
  const TopicConfig* config = rt.topic_config_manager().find(topic);
  if (config == nullptr) return {rc::kTopicNotExist, "topic[" + topic + "] not exist, cannot commit its offset"};
  if (queue_id >= config->read_queue_nums) {
    return {rc::kSystemError, fmt::format("queueId {} is out of range, topic {} has {} read queues", queue_id, topic,
                                          config->read_queue_nums)};
  }
  Status s = rt.offsets().commit(group, topic, queue_id, offset);
  if (!s.ok()) return {rc::kSystemError, s.error().detail};
  return {};
}

void process_query_consumer_offset(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto h = parse_offset_header(request.ext_fields);
  if (!h.ok()) return reply_error(ctx, rc::kSystemError, h.error().to_string());
  const bool zero_if_not_found = request.ext_fields.get_bool_or("setZeroIfNotFound", true);
  ctx.rt.run_on(0, [ctx, h = std::move(h).value(), zero_if_not_found] {
    if (auto offset = ctx.rt.offsets().query(h.group, h.topic, h.queue_id)) return reply_offset(ctx, *offset);
    if (!zero_if_not_found) return reply_error(ctx, rc::kQueryNotFound, "Not found");
    const unsigned owner = shard_of_queue(h.topic, h.queue_id, ctx.rt.core_count()).value;
    ctx.rt.run_on(owner, [ctx, owner, h] { answer_unknown_offset(ctx, ctx.rt.core_state(owner), h.topic, h.queue_id); });
  });
}

void process_update_consumer_offset(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto h = parse_offset_header(request.ext_fields);
  auto offset = request.ext_fields.get_int64("commitOffset");
  if (!h.ok() || !offset.ok()) {
    return reply_error(ctx, rc::kSystemError, !h.ok() ? h.error().to_string() : offset.error().to_string());
  }
  ctx.rt.run_on(0, [ctx, h = std::move(h).value(), o = *offset] {
    auto [code, remark] = commit_consumer_offset(ctx.rt, h.group, h.topic, h.queue_id, o);
    ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, code, std::move(remark)));
  });
}

void process_get_all_consumer_offset(RequestContext ctx, remoting::RemotingCommand&&) {
  ctx.rt.run_on(0, [ctx] {
    auto response = make_response(ctx.ref, rc::kSuccess);
    response.body = ctx.rt.offsets().encode();
    ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
  });
}

void process_get_all_delay_offset(RequestContext ctx, remoting::RemotingCommand&&) {
  ctx.rt.run_on(0, [ctx] {
    auto response = make_response(ctx.ref, rc::kSuccess);
    response.body = encode_delay_offsets(ctx.rt.delay_offsets());
    ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
  });
}

void process_get_consume_stats(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto group = request.ext_fields.get_string("consumerGroup");
  if (!group.ok()) return reply_error(ctx, rc::kSystemError, group.error().to_string());
  std::string topic(request.ext_fields.get("topic").value_or(""));
  ctx.rt.run_on(0, [ctx, g = std::string(*group), topic] {
    auto job = std::make_shared<StatsJob>(StatsJob{ctx, {}, g, {}, 0.0});
    job->topics = topic.empty() ? ctx.rt.offsets().topics_of_group(g) : std::vector{topic};
    for (const std::string& t : job->topics) {
      // Core 0's own snapshot: ctx.cs is the receiving core's state, whose `topics` that core may
      // replace (and free) while this runs here.
      const TopicConfig* config = ctx.rt.here().topics->find(t);
      if (config == nullptr) continue;
      for (std::int32_t q = 0; q < config->read_queue_nums; ++q) {
        ConsumeStatsEntry e{t, q, 0, ctx.rt.offsets().query(g, t, q).value_or(0), 0};
        job->entries.push_back(e);
      }
    }
    visit_all_cores(
        ctx.rt,
        [job](CoreState& cs) {
          for (const std::string& t : job->topics) {
            const StatsItem* item = cs.stats_set.group_get_nums.find(group_stats_key(t, job->group));
            if (item != nullptr) job->consume_tps += item->minute().tps;
          }
          for (ConsumeStatsEntry& e : job->entries) {
            if (shard_of_queue(e.topic, e.queue_id, job->ctx.rt.core_count()).value != cs.core) continue;
            e.broker_offset = cs.shard->max_offset(e.topic, store::QueueId{e.queue_id}).value;
            auto ts = cs.shard->store_timestamp_at(e.topic, store::QueueId{e.queue_id},
                                                   store::QueueOffset{e.consumer_offset - 1});
            e.last_timestamp = ts.ok() ? *ts : 0;
          }
        },
        [job] { finish_stats(job); });
  });
}

void process_get_consumer_connection_list(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto group = request.ext_fields.get_string("consumerGroup");
  if (!group.ok()) return reply_error(ctx, rc::kSystemError, group.error().to_string());
  ctx.rt.run_on(0, [ctx, g = std::string(*group)] {
    const ConsumerGroupInfo* info = ctx.rt.client_manager().consumers.find(g);
    if (info == nullptr || info->channels.empty()) {
      return reply_error(ctx, rc::kConsumerNotOnline, "the consumer group[" + g + "] not online");
    }
    auto response = make_response(ctx.ref, rc::kSuccess);
    response.body = encode_consumer_connection(*info);
    ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
  });
}

void process_get_producer_connection_list(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto group = request.ext_fields.get_string("producerGroup");
  if (!group.ok()) return reply_error(ctx, rc::kSystemError, group.error().to_string());
  ctx.rt.run_on(0, [ctx, g = std::string(*group)] {
    const auto* channels = ctx.rt.client_manager().producers.find(g);
    if (channels == nullptr) return reply_error(ctx, rc::kSystemError, "the producer group[" + g + "] not exist");
    auto response = make_response(ctx.ref, rc::kSuccess);
    response.body = encode_producer_connection(*channels);
    ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
  });
}

void process_query_topic_consume_by_who(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto topic = request.ext_fields.get_string("topic");
  if (!topic.ok()) return reply_error(ctx, rc::kSystemError, topic.error().to_string());
  ctx.rt.run_on(0, [ctx, t = std::string(*topic)] {
    std::vector<std::string> groups = ctx.rt.client_manager().consumers.groups_of_topic(t);
    for (auto& g : ctx.rt.offsets().groups_of_topic(t)) groups.push_back(std::move(g));
    auto response = make_response(ctx.ref, rc::kSuccess);
    response.body = encode_group_list(groups);
    ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
  });
}

}  // namespace ringmq::broker
