// Topic admin and statistics requests (ROCKETMQ-PROTOCOL.md §7.1-7.4, §7.6). Topic changes run on
// core 0, which owns the TopicConfigManager; reads use the receiving core's snapshot.
#include <fmt/format.h>

#include <memory>
#include <vector>

#include "base/clock.h"
#include "broker/broker_bodies.h"
#include "broker/broker_processors.h"
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

namespace {

struct RuntimeTotals {
  std::uint64_t put_messages = 0;
  std::uint64_t put_bytes = 0;
  std::int64_t put_time_max_us = 0;
  std::int64_t commit_log_min = INT64_MAX;
  std::int64_t commit_log_max = 0;
  std::int64_t unflushed_bytes = 0;
};

std::string runtime_text(std::int64_t ms) {
  const std::int64_t s = ms / 1000;
  return fmt::format("[ {} days, {} hours, {} minutes, {} seconds ]", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
}

std::vector<std::pair<std::string, std::string>> runtime_table(BrokerRuntime& rt, const RuntimeTotals& t) {
  const auto n = [](auto v) { return fmt::format("{}", v); };
  const double avg = t.put_messages ? static_cast<double>(t.put_bytes) / static_cast<double>(t.put_messages) : 0.0;
  return {
      {"brokerVersionDesc", "V4_9_4"}, {"brokerVersion", "401"},
      {"msgPutTotalYesterdayMorning", "0"}, {"msgPutTotalTodayMorning", "0"}, {"msgPutTotalTodayNow", n(t.put_messages)},
      {"msgGetTotalYesterdayMorning", "0"}, {"msgGetTotalTodayMorning", "0"}, {"msgGetTotalTodayNow", "0"},
      {"commitLogMinOffset", n(t.commit_log_min == INT64_MAX ? 0 : t.commit_log_min)},
      {"commitLogMaxOffset", n(t.commit_log_max)}, {"commitLogDiskRatio", "0.0"}, {"consumeQueueDiskRatio", "0.0"},
      {"bootTimestamp", n(rt.boot_timestamp_ms())}, {"runtime", runtime_text(wall_clock_ms() - rt.boot_timestamp_ms())},
      {"putTps", "0.0 0.0 0.0"}, {"getFoundTps", "0.0 0.0 0.0"}, {"getMissTps", "0.0 0.0 0.0"},
      {"getTotalTps", "0.0 0.0 0.0"}, {"getTransferedTps", "0.0 0.0 0.0"}, {"getTransferredTps", "0.0 0.0 0.0"},
      {"putMessageTimesTotal", n(t.put_messages)}, {"putMessageSizeTotal", n(t.put_bytes)},
      {"putMessageAverageSize", fmt::format("{:.1f}", avg)}, {"putMessageEntireTimeMax", n(t.put_time_max_us / 1000)},
      {"getMessageEntireTimeMax", "0"}, {"dispatchBehindBytes", "0"}, {"pageCacheLockTimeMills", "0"},
      {"earliestMessageTimeStamp", "-1"}, {"startAcceptSendRequestTimeStamp", "0"},
      {"remainTransientStoreBufferNumbs", "2147483647"}, {"remainHowManyDataToCommit", "0 B"},
      {"remainHowManyDataToFlush", fmt::format("{} B", t.unflushed_bytes)},
      {"sendThreadPoolQueueSize", "0"}, {"sendThreadPoolQueueCapacity", "10000"},
      {"pullThreadPoolQueueSize", "0"}, {"pullThreadPoolQueueCapacity", "100000"},
      {"queryThreadPoolQueueSize", "0"}, {"queryThreadPoolQueueCapacity", "20000"},
      {"EndTransactionQueueSize", "0"}, {"EndTransactionThreadPoolQueueCapacity", "100000"},
      {"shardCount", n(rt.core_count())},
  };
}

}  // namespace

void process_get_broker_runtime_info(RequestContext ctx, remoting::RemotingCommand&&) {
  auto totals = std::make_shared<RuntimeTotals>();
  visit_all_cores(
      ctx.rt,
      [totals](CoreState& cs) {
        totals->put_messages += cs.stats.put_messages;
        totals->put_bytes += cs.stats.put_bytes;
        totals->put_time_max_us = std::max(totals->put_time_max_us, cs.stats.put_time_max_us);
        const auto& log = cs.shard->commit_log();
        totals->commit_log_min = std::min(totals->commit_log_min, log.min_offset().value);
        totals->commit_log_max = std::max(totals->commit_log_max, log.write_offset().value);
        totals->unflushed_bytes += log.write_offset().value - log.durable_offset().value;
      },
      [ctx, totals] {
        auto response = make_response(ctx.ref, rc::kSuccess);
        response.body = encode_kv_table(runtime_table(ctx.rt, *totals));
        ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
      });
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
