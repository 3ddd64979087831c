// Requests the broker relays to its consumers (RocketMQ's Broker2Client and
// AdminBrokerProcessor#callConsumer, 4.9.4):
// - INVOKE_BROKER_TO_RESET_OFFSET (222): offsets found by time, pushed to every live client of the
//   group as a oneway RESET_CONSUMER_CLIENT_OFFSET (220); the clients commit them.
// - INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223): GET_CONSUMER_STATUS_FROM_CLIENT (221) to each client.
// - GET_CONSUMER_RUNNING_INFO (307), CONSUME_MESSAGE_DIRECTLY (309): forwarded to one client, whose
//   answer (code, remark, header, body) goes back to the caller as it is.
// Client tables live on core 0; a client is called from the core that owns its connection.
#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/json_writer.h"
#include "base/log.h"
#include "broker/broker_runtime.h"
#include "broker/client/client_manager.h"
#include "broker/offset/consumer_offset_manager.h"
#include "broker/processor/broker_processors.h"
#include "broker/queue_shard.h"
#include "protocol/fastjson.h"
#include "protocol/message_queue.h"
#include "remoting/message_id.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

// Broker2Client#callClient and #getConsumeStatus wait this long for a client.
constexpr std::int64_t kCallClientTimeoutMs = 10'000;
constexpr std::int64_t kConsumerStatusTimeoutMs = 5'000;

using ClientDone = std::function<void(Result<remoting::RemotingCommand>)>;

void reply_code(const RequestContext& ctx, std::int32_t code, std::string remark = {}) {
  ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, code, std::move(remark)));
}

// Calls the client on `key` from the core owning its connection; `done` runs there, once.
void call_client(BrokerRuntime& rt, ChannelKey key, remoting::RemotingCommand request, std::int64_t timeout_ms,
                 ClientDone done) {
  rt.run_on(key.core, [&rt, key, request, timeout_ms, done]() mutable {
    auto shared = std::make_shared<ClientDone>(std::move(done));
    rpc::RemotingServer* server = rt.core_state(key.core).server.get();
    Status st = server == nullptr ? Status(make_error(Errc::closed, "no server"))
                                  : server->invoke(reactor::ConnectionId{key.connection}, std::move(request), timeout_ms,
                                                   [shared](Result<remoting::RemotingCommand> r) { (*shared)(std::move(r)); });
    if (!st.ok()) (*shared)(st.take_error());
  });
}

void push_oneway(BrokerRuntime& rt, ChannelKey key, remoting::RemotingCommand request) {
  rt.run_on(key.core, [&rt, key, request]() mutable {
    rpc::RemotingServer* server = rt.core_state(key.core).server.get();
    if (server != nullptr) (void)server->invoke_oneway(reactor::ConnectionId{key.connection}, std::move(request));
  });
}

// A client's GetConsumerStatusBody: its messageQueueTable, re-encoded; nullopt when the body does
// not parse.
std::optional<std::string> client_queue_table(std::string_view body) {
  auto tree = protocol::parse_fastjson(body);
  if (!tree.ok()) return std::nullopt;
  const protocol::JsonValue* table = tree->get("messageQueueTable");
  if (table == nullptr) return protocol::encode_queue_offset_table({});
  return protocol::encode_queue_offset_table(protocol::queue_offsets_from(*table));
}

// The channel of (group, clientId) on core 0, or nullopt.
std::optional<ChannelKey> find_channel(BrokerRuntime& rt, const std::string& group, const std::string& client_id) {
  const ConsumerGroupInfo* info = rt.client_manager().consumers.find(group);
  if (info == nullptr) return std::nullopt;
  for (const auto& [key, c] : info->channels)
    if (c.client_id == client_id) return key;
  return std::nullopt;
}

// AdminBrokerProcessor#callConsumer: the client's answer is the reply.
void call_consumer(RequestContext ctx, std::int32_t code, remoting::RemotingCommand request) {
  auto group = request.ext_fields.get_string("consumerGroup");
  auto client = request.ext_fields.get_string("clientId");
  if (!group.ok() || !client.ok()) {
    return reply_code(ctx, rc::kSystemError, (!group.ok() ? group.error() : client.error()).to_string());
  }
  auto forward = remoting::RemotingCommand::request(code, request.serialize_type);
  forward.has_ext_fields = true;
  forward.ext_fields = request.ext_fields;
  forward.body = std::move(request.body);
  ctx.rt.run_on(0, [ctx, g = std::string(*group), c = std::string(*client), forward]() mutable {
    auto key = find_channel(ctx.rt, g, c);
    if (!key) return reply_code(ctx, rc::kSystemError, fmt::format("The Consumer <{}> <{}> not online", g, c));
    call_client(ctx.rt, *key, std::move(forward), kCallClientTimeoutMs, [ctx, g, c](Result<remoting::RemotingCommand> r) {
      if (!r.ok()) {
        const bool timeout = r.error().code == Errc::timeout;
        return reply_code(ctx, timeout ? rc::kConsumeMsgTimeout : rc::kSystemError,
                          fmt::format("{} <{}> <{}> {}: {}", timeout ? "consumer" : "invoke consumer", g, c,
                                      timeout ? "Timeout" : "Exception", r.error().to_string()));
      }
      auto response = make_response(ctx.ref, r->code, r->remark.value_or(""));
      response.has_ext_fields = r->has_ext_fields;
      response.ext_fields = std::move(r->ext_fields);
      response.body = std::move(r->body);
      ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
    });
  });
}

}  // namespace

void process_get_consumer_running_info(RequestContext ctx, remoting::RemotingCommand&& request) {
  call_consumer(ctx, req::kGetConsumerRunningInfo, std::move(request));
}

// The message named by msgId goes along as the body, read from the shard that stored it.
void process_consume_message_directly(RequestContext ctx, remoting::RemotingCommand&& request) {
  request.ext_fields.set("brokerName", ctx.rt.identity().broker_name);
  auto id = remoting::decode_offset_msg_id(request.ext_fields.get("msgId").value_or(""));
  const unsigned shard = id.ok() ? store::shard_of(store::PhysicalOffset{id->commit_log_offset}).value : 0;
  if (!id.ok() || id->commit_log_offset < 0 || shard >= ctx.rt.core_count()) {
    return reply_code(ctx, rc::kSystemError, "can not find message by the msgId");
  }
  auto shared = std::make_shared<remoting::RemotingCommand>(std::move(request));
  ctx.rt.run_on(shard, [ctx, shard, shared, at = store::PhysicalOffset{id->commit_log_offset}] {
    auto record = ctx.rt.core_state(shard).shard->message_at(at);
    if (!record.ok()) return reply_code(ctx, rc::kSystemError, "can not find message by the msgId");
    const Bytes bytes = record->bytes();
    shared->body.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    call_consumer(ctx, req::kConsumeMessageDirectly, std::move(*shared));
  });
}

namespace {

struct ResetGather {
  std::string topic;
  std::string group;
  std::int64_t timestamp = 0;
  bool force = false;
  bool for_c = false;  // a C++ caller gets ResetOffsetBodyForC pushed to its clients
  std::vector<std::int64_t> consumer;  // per queue; -1 = none
  std::vector<std::int64_t> target;
};

// ResetOffsetBody {"offsetTable":{MessageQueue:offset}} or, for C++ clients, ResetOffsetBodyForC
// {"offsetTable":[{brokerName, offset, queueId, topic}]}.
std::string encode_reset_body(const ResetGather& g, std::string_view broker, bool for_c) {
  std::string out = for_c ? "{\"offsetTable\":[" : "{\"offsetTable\":{";
  for (std::size_t q = 0; q < g.target.size(); ++q) {
    if (q > 0) out.push_back(',');
    if (for_c) {
      JsonWriter w;
      protocol::write_message_queue_offset(w, g.topic, broker, static_cast<std::int32_t>(q), g.target[q]);
      out += w.take();
    } else {
      out += protocol::encode_message_queue({g.topic, std::string(broker), static_cast<std::int32_t>(q)}) + ":" +
             std::to_string(g.target[q]);
    }
  }
  return out + (for_c ? "]}" : "}}");
}

// Core 0, once every queue's offset by time is known (Broker2Client#resetOffset).
void finish_reset(RequestContext ctx, const ResetGather& g) {
  const std::string& broker = ctx.rt.identity().broker_name;
  for (std::size_t q = 0; q < g.consumer.size(); ++q) {
    if (g.consumer[q] == -1) return reply_code(ctx, rc::kSystemError, fmt::format("THe consumer group <{}> not exist", g.group));
  }
  const ConsumerGroupInfo* info = ctx.rt.client_manager().consumers.find(g.group);
  if (info == nullptr || info->channels.empty()) {
    return reply_code(ctx, rc::kConsumerNotOnline,
                      fmt::format("Consumer not online, so can not reset offset, Group: {} Topic: {} Timestamp: {}",
                                  g.group, g.topic, g.timestamp));
  }
  auto push = remoting::RemotingCommand::request(req::kResetConsumerClientOffset);
  push.has_ext_fields = true;
  push.ext_fields.set("topic", g.topic);
  push.ext_fields.set("group", g.group);
  push.ext_fields.set_int("timestamp", g.timestamp);
  push.ext_fields.set("isForce", g.force ? "true" : "false");
  push.body = encode_reset_body(g, broker, g.for_c);
  for (const auto& [key, channel] : info->channels) {
    log_info("[reset-offset] reset offset success. topic={}, group={}, clientId={}", g.topic, g.group, channel.client_id);
    push_oneway(ctx.rt, key, push);
  }
  auto response = make_response(ctx.ref, rc::kSuccess);
  response.body = encode_reset_body(g, broker, false);
  ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
}

}  // namespace

void process_invoke_broker_to_reset_offset(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto topic = request.ext_fields.get_string("topic");
  auto group = request.ext_fields.get_string("group");
  auto timestamp = request.ext_fields.get_int64("timestamp");
  if (!topic.ok() || !group.ok() || !timestamp.ok()) {
    const Error& e = !topic.ok() ? topic.error() : !group.ok() ? group.error() : timestamp.error();
    return reply_code(ctx, rc::kSystemError, e.to_string());
  }
  const TopicConfig* config = ctx.cs.topics->find(*topic);
  if (config == nullptr) {
    return reply_code(ctx, rc::kSystemError,
                      "[reset-offset] reset offset failed, no topic in this broker. topic=" + std::string(*topic));
  }
  auto g = std::make_shared<ResetGather>();
  g->topic = std::string(*topic);
  g->group = std::string(*group);
  g->timestamp = *timestamp;
  g->force = request.ext_fields.get_bool_or("isForce", false);
  g->for_c = request.language == remoting::LanguageCode::cpp;
  const auto queues = static_cast<std::size_t>(std::max(0, config->write_queue_nums));
  g->consumer.assign(queues, -1);
  g->target.assign(queues, 0);
  visit_all_cores(
      ctx.rt,
      [g, &rt = ctx.rt](CoreState& cs) {
        for (std::size_t q = 0; q < g->target.size(); ++q) {
          const auto qid = static_cast<std::int32_t>(q);
          if (cs.core == 0) g->consumer[q] = rt.offsets().query(g->group, g->topic, qid).value_or(-1);
          if (shard_of_queue(g->topic, qid, rt.core_count()).value != cs.core) continue;
          const store::QueueId id{qid};
          g->target[q] = g->timestamp == -1 ? cs.shard->max_offset(g->topic, id).value
                                            : cs.shard->offset_for_timestamp(g->topic, id, g->timestamp).value;
        }
      },
      [ctx, g] {
        for (std::size_t q = 0; q < g->target.size(); ++q) {
          if (g->target[q] < 0) g->target[q] = 0;
          if (!g->force && g->target[q] >= g->consumer[q] && g->consumer[q] != -1) g->target[q] = g->consumer[q];
        }
        ctx.rt.run_on(0, [ctx, g] { finish_reset(ctx, *g); });
      });
}

namespace {

struct StatusGather {
  std::size_t pending = 0;
  std::vector<std::pair<std::string, std::string>> tables;  // clientId -> its messageQueueTable JSON
};

void finish_status(const RequestContext& ctx, const StatusGather& g) {
  std::string out = "{\"consumerTable\":{";
  bool first = true;
  for (const auto& [client, table] : g.tables) {
    if (!first) out.push_back(',');
    first = false;
    JsonWriter k;
    k.value(client);
    out += k.take() + ":" + table;
  }
  out += "},\"messageQueueTable\":{}}";
  auto response = make_response(ctx.ref, rc::kSuccess);
  response.body = std::move(out);
  ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
}

}  // namespace

void process_invoke_broker_to_get_consumer_status(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto topic = request.ext_fields.get_string("topic");
  auto group = request.ext_fields.get_string("group");
  if (!topic.ok() || !group.ok()) {
    return reply_code(ctx, rc::kSystemError, (!topic.ok() ? topic.error() : group.error()).to_string());
  }
  const std::string origin(request.ext_fields.get("clientAddr").value_or(""));
  ctx.rt.run_on(0, [ctx, t = std::string(*topic), gr = std::string(*group), origin] {
    const ConsumerGroupInfo* info = ctx.rt.client_manager().consumers.find(gr);
    if (info == nullptr || info->channels.empty()) {
      return reply_code(ctx, rc::kSystemError, fmt::format("No Any Consumer online in the consumer group: [{}]", gr));
    }
    auto ask = remoting::RemotingCommand::request(req::kGetConsumerStatusFromClient);
    ask.has_ext_fields = true;
    ask.ext_fields.set("topic", t);
    ask.ext_fields.set("group", gr);
    auto g = std::make_shared<StatusGather>();
    std::vector<std::pair<ChannelKey, std::string>> targets;
    for (const auto& [key, c] : info->channels)
      if (origin.empty() || origin == c.client_id) targets.emplace_back(key, c.client_id);
    if (targets.empty()) return finish_status(ctx, *g);
    g->pending = targets.size();
    for (const auto& [key, client] : targets) {
      // Each answer comes back to core 0, which owns the gather; the last one replies.
      call_client(ctx.rt, key, ask, kConsumerStatusTimeoutMs, [ctx, g, client](Result<remoting::RemotingCommand> r) {
        std::optional<std::string> table;
        if (r.ok() && r->code == rc::kSuccess) table = client_queue_table(r->body);
        ctx.rt.run_on(0, [ctx, g, client, table = std::move(table)] {
          if (table) g->tables.emplace_back(client, *table);
          if (--g->pending == 0) finish_status(ctx, *g);
        });
      });
    }
  });
}

}  // namespace ringmq::broker
