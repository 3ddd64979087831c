// Topic admin and statistics requests (docs/PROTOCOL.md §7.1-7.4, §7.6). Topic changes run on
// core 0, which owns the TopicConfigManager; reads use the receiving core's snapshot.
#include <fmt/format.h>

#include <memory>
#include <vector>

#include "broker/broker_bodies.h"
#include "broker/processor/broker_processors.h"
#include "broker/broker_runtime.h"
#include "broker/queue_shard.h"
#include "remoting/response_code.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker {

namespace rc = remoting::response_code;

namespace {

void reply_code(const RequestContext& ctx, std::int32_t code, std::string remark = {}) {
  ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, code, std::move(remark)));
}

Result<TopicConfig> parse_create_topic(const remoting::ExtFields& ext) {
  TopicConfig c;
  RINGMQ_TRY_ASSIGN(auto topic, ext.get_string("topic"));
  c.topic_name = std::string(topic);
  RINGMQ_TRY_ASSIGN(c.read_queue_nums, ext.get_int32("readQueueNums"));
  RINGMQ_TRY_ASSIGN(c.write_queue_nums, ext.get_int32("writeQueueNums"));
  RINGMQ_TRY_ASSIGN(c.perm, ext.get_int32("perm"));
  if (auto f = ext.get("topicFilterType")) c.topic_filter_type = std::string(*f);
  RINGMQ_TRY_ASSIGN(c.topic_sys_flag, ext.get_int32_or("topicSysFlag", 0));
  c.order = ext.get_bool_or("order", false);
  return c;
}

}  // namespace

void process_update_and_create_topic(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto config = parse_create_topic(request.ext_fields);
  if (!config.ok()) return reply_code(ctx, rc::kSystemError, config.error().to_string());
  if (auto st = remoting::validate_topic(config->topic_name); !st.ok()) {
    return reply_code(ctx, rc::kSystemError, st.error().detail);
  }
  if (config->read_queue_nums < 0 || config->write_queue_nums < 0 ||
      config->read_queue_nums > kAutoCreatedQueueNumsMax || config->write_queue_nums > kAutoCreatedQueueNumsMax) {
    return reply_code(ctx, rc::kSystemError, fmt::format("queue nums must be within [0, {}]", kAutoCreatedQueueNumsMax));
  }
  ctx.rt.run_on(0, [ctx, c = std::move(config).value()] {
    auto st = ctx.rt.topic_config_manager().update_topic_config(c);
    if (!st.ok()) return reply_code(ctx, rc::kSystemError, st.error().to_string());
    // Replies once the NameServers have the new queue counts (Java registers before replying).
    ctx.rt.publish_topics(true, [ctx] { reply_code(ctx, rc::kSuccess); });
  });
}

void process_delete_topic_in_broker(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto topic = request.ext_fields.get_string("topic");
  if (!topic.ok()) return reply_code(ctx, rc::kSystemError, topic.error().to_string());
  ctx.rt.run_on(0, [ctx, name = std::string(*topic)] {
    auto deleted = ctx.rt.topic_config_manager().delete_topic(name);
    if (!deleted.ok()) return reply_code(ctx, rc::kSystemError, deleted.error().to_string());
    if (*deleted) ctx.rt.publish_topics(true);
    reply_code(ctx, rc::kSuccess);
  });
}

void process_get_all_topic_config(RequestContext ctx, remoting::RemotingCommand&&) {
  auto response = make_response(ctx.ref, rc::kSuccess);
  response.body = protocol::encode_topic_config_wrapper(*ctx.cs.topics);
  ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
}

void process_get_topic_stats_info(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto topic = request.ext_fields.get_string("topic");
  if (!topic.ok()) return reply_code(ctx, rc::kSystemError, topic.error().to_string());
  const TopicConfig* config = ctx.cs.topics->find(*topic);
  if (config == nullptr) return reply_code(ctx, rc::kTopicNotExist, "topic[" + std::string(*topic) + "] not exist");
  struct Gather {
    std::string topic;
    std::int32_t queues = 0;
    std::vector<QueueStats> stats;
  };
  auto g = std::make_shared<Gather>(Gather{std::string(*topic), queue_count_of(*config), {}});
  g->stats.resize(static_cast<std::size_t>(g->queues));
  visit_all_cores(
      ctx.rt,
      [g, &rt = ctx.rt](CoreState& cs) {
        for (std::int32_t q = 0; q < g->queues; ++q) {
          if (shard_of_queue(g->topic, q, rt.core_count()).value != cs.core) continue;
          QueueStats& s = g->stats[static_cast<std::size_t>(q)];
          s.queue_id = q;
          s.min_offset = cs.shard->min_offset(g->topic, store::QueueId{q}).value;
          s.max_offset = cs.shard->max_offset(g->topic, store::QueueId{q}).value;
          if (s.max_offset > s.min_offset) {
            auto ts = cs.shard->store_timestamp_at(g->topic, store::QueueId{q}, store::QueueOffset{s.max_offset - 1});
            if (ts.ok()) s.last_update_timestamp = *ts;
          }
        }
      },
      [ctx, g] {
        auto response = make_response(ctx.ref, rc::kSuccess);
        response.body = encode_topic_stats(g->topic, ctx.rt.identity().broker_name, g->stats);
        ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
      });
}

}  // namespace ringmq::broker
