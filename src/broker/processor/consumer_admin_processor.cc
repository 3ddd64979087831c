// Consumer-side admin requests of mqadmin and the Java client: CHECK_CLIENT_CONFIG
// (ClientManageProcessor#checkClientConfig), QUERY_CONSUME_TIME_SPAN and CLONE_GROUP_OFFSET
// (AdminBrokerProcessor#queryConsumeTimeSpan / #cloneGroupOffset), as RocketMQ 4.9.4 answers them.
// Group tables and offsets live on core 0; queue data on the core owning each queue.
#include <fmt/format.h>
#include <simdjson.h>

#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json_writer.h"
#include "base/log.h"
#include "broker/filter/expression_message_filter.h"
#include "broker/broker_runtime.h"
#include "broker/client/client_manager.h"
#include "broker/offset/consumer_offset_manager.h"
#include "broker/processor/broker_processors.h"
#include "broker/queue_shard.h"
#include "protocol/message_queue.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

namespace rc = remoting::response_code;

namespace {

void reply_code(const RequestContext& ctx, std::int32_t code, std::string remark = {}) {
  ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, code, std::move(remark)));
}

// CheckClientRequestBody.subscriptionData's expressionType ("" when absent: a TAG check) and
// subString (the expression).
struct CheckedSubscription {
  std::string type;
  std::string expression;
};
CheckedSubscription checked_subscription(const std::string& body) {
  CheckedSubscription out;
  if (body.empty()) return out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS) return out;
  std::string_view type, expression;
  if (doc["subscriptionData"]["expressionType"].get(type) == simdjson::SUCCESS) out.type = type;
  if (doc["subscriptionData"]["subString"].get(expression) == simdjson::SUCCESS) out.expression = expression;
  return out;
}

}  // namespace

void process_check_client_config(RequestContext ctx, remoting::RemotingCommand&& request) {
  const CheckedSubscription sub = checked_subscription(request.body);
  if (is_tag_type(sub.type)) return reply_code(ctx, rc::kSuccess);
  if (!ctx.rt.config().enable_property_filter) {
    return reply_code(ctx, rc::kSystemError, "The broker does not support consumer to filter message by " + sub.type);
  }
  // With the filter on, 4.9.4 compiles the expression here and refuses one that does not compile.
  if (auto compiled = compile_cached(sub.type, sub.expression); !compiled.ok()) {
    return reply_code(ctx, rc::kSubscriptionParseFailed, compiled.error().detail);
  }
  reply_code(ctx, rc::kSuccess);
}

namespace {

struct QueueTimeSpan {
  std::int32_t queue_id = 0;
  std::int64_t min_ms = -1;
  std::int64_t max_ms = -1;
  std::int64_t consume_ms = -1;
  std::int64_t delay_ms = 0;
  std::int64_t consumer_offset = -1;  // ConsumerOffsetManager#queryOffset: -1 when none
};

struct TimeSpanGather {
  std::string topic;
  std::string group;
  std::vector<QueueTimeSpan> queues;
};

std::int64_t store_time(const store::ShardStore& shard, const std::string& topic, std::int32_t q, std::int64_t at) {
  if (at < 0) return -1;
  auto ts = shard.store_timestamp_at(topic, store::QueueId{q}, store::QueueOffset{at});
  return ts.ok() ? *ts : -1;  // DefaultMessageStore#getMessageStoreTimeStamp
}

void time_span_of(QueueTimeSpan& s, const store::ShardStore& shard, const std::string& topic) {
  const std::int32_t q = s.queue_id;
  const std::int64_t min = shard.min_offset(topic, store::QueueId{q}).value;
  const std::int64_t max = shard.max_offset(topic, store::QueueId{q}).value;
  s.min_ms = max > min ? store_time(shard, topic, q, min) : -1;
  s.max_ms = store_time(shard, topic, q, max - 1);
  s.consume_ms = s.consumer_offset > 0 ? store_time(shard, topic, q, s.consumer_offset - 1) : s.min_ms;
  if (s.consumer_offset < max) s.delay_ms = wall_clock_ms() - store_time(shard, topic, q, s.consumer_offset);
}

// QueueTimeSpan#get*TimeStampStr: UtilAll.formatDate(new Date(ms), "yyyy-MM-dd#HH:mm:ss:SSS"), local
// time (floor division, so -1 is the last millisecond of 1969 as in Java).
std::string java_date_text(std::int64_t ms) {
  const std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const auto t = static_cast<time_t>(secs);
  struct tm tm {};
  localtime_r(&t, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}#{:02d}:{:02d}:{:02d}:{:03d}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms - secs * 1000));
}

// QueryConsumeTimeSpanBody, fastjson's alphabetical keys (the *Str getters included).
std::string encode_time_spans(const TimeSpanGather& g, const std::string& broker_name) {
  JsonWriter w;
  w.begin_object().key("consumeTimeSpanSet").begin_array();
  for (const QueueTimeSpan& s : g.queues) {
    w.begin_object().key("consumeTimeStamp").value(s.consume_ms);
    w.key("consumeTimeStampStr").value(java_date_text(s.consume_ms)).key("delayTime").value(s.delay_ms);
    w.key("maxTimeStamp").value(s.max_ms).key("maxTimeStampStr").value(java_date_text(s.max_ms));
    w.key("messageQueue");
    protocol::write_message_queue(w, g.topic, broker_name, s.queue_id);
    w.key("minTimeStamp").value(s.min_ms).key("minTimeStampStr").value(java_date_text(s.min_ms)).end_object();
  }
  w.end_array().end_object();
  return w.take();
}

}  // namespace

void process_query_consume_time_span(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto topic = request.ext_fields.get_string("topic");
  auto group = request.ext_fields.get_string("group");
  if (!topic.ok() || !group.ok()) {
    return reply_code(ctx, rc::kSystemError, (!topic.ok() ? topic.error() : group.error()).to_string());
  }
  const TopicConfig* config = ctx.cs.topics->find(*topic);
  if (config == nullptr) return reply_code(ctx, rc::kTopicNotExist, "topic[" + std::string(*topic) + "] not exist");
  auto g = std::make_shared<TimeSpanGather>(TimeSpanGather{std::string(*topic), std::string(*group), {}});
  g->queues.resize(static_cast<std::size_t>(std::max(0, config->write_queue_nums)));
  for (std::size_t i = 0; i < g->queues.size(); ++i) g->queues[i].queue_id = static_cast<std::int32_t>(i);
  // visit_all_cores starts on core 0, which owns the offsets: they are read before any queue.
  visit_all_cores(
      ctx.rt,
      [g, &rt = ctx.rt](CoreState& cs) {
        if (cs.core == 0) {
          for (QueueTimeSpan& s : g->queues) s.consumer_offset = rt.offsets().query(g->group, g->topic, s.queue_id).value_or(-1);
        }
        for (QueueTimeSpan& s : g->queues) {
          if (shard_of_queue(g->topic, s.queue_id, rt.core_count()).value == cs.core) time_span_of(s, *cs.shard, g->topic);
        }
      },
      [ctx, g] {
        auto response = make_response(ctx.ref, rc::kSuccess);
        response.body = encode_time_spans(*g, ctx.rt.identity().broker_name);
        ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
      });
}

void process_clone_group_offset(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto src = request.ext_fields.get_string("srcGroup");
  auto dst = request.ext_fields.get_string("destGroup");
  if (!src.ok() || !dst.ok()) {
    return reply_code(ctx, rc::kSystemError, (!src.ok() ? src.error() : dst.error()).to_string());
  }
  const std::string topic(request.ext_fields.get("topic").value_or(""));
  const bool offline = request.ext_fields.get_bool_or("offline", false);
  ctx.rt.run_on(0, [ctx, s = std::string(*src), d = std::string(*dst), topic, offline] {
    std::vector<std::string> topics = topic.empty() ? ctx.rt.offsets().topics_of_group(s) : std::vector{topic};
    const ConsumerGroupInfo* online = ctx.rt.client_manager().consumers.find(s);
    for (const std::string& t : topics) {
      if (ctx.rt.here().topics->find(t) == nullptr) {
        log_warn("[cloneGroupOffset], topic config not exist, {}", t);
        continue;
      }
      // A live source group that does not subscribe to the topic is skipped (unless offline).
      if (!offline && online != nullptr && !online->subscriptions.empty() && !online->subscriptions.contains(t)) {
        log_warn("[cloneGroupOffset], the consumer group[{}], topic[{}] not exist", s, t);
        continue;
      }
      if (Status st = ctx.rt.offsets().clone_offsets(s, d, t); !st.ok()) {
        return reply_code(ctx, rc::kSystemError, st.error().to_string());
      }
    }
    reply_code(ctx, rc::kSuccess);
  });
}

}  // namespace ringmq::broker
