// HEART_BEAT, UNREGISTER_CLIENT, GET_CONSUMER_LIST_BY_GROUP and NOTIFY_CONSUMER_IDS_CHANGED
// (docs/PROTOCOL.md §6.1-6.3; RocketMQ B/processor/ClientManageProcessor.java).
//
// The receiving core decodes the request; the table work runs on core 0, which owns the client
// tables, the subscription groups and the topic table (retry topics are created here). Core 0
// reaches a client's connection through the connection's own core: NOTIFY_CONSUMER_IDS_CHANGED is
// posted there and sent oneway over the client's connection by that core's RemotingServer.
#include <memory>

#include "base/clock.h"
#include "base/json_writer.h"
#include "base/log.h"
#include "broker/processor/broker_processors.h"
#include "broker/broker_runtime.h"
#include "broker/client/client_manager.h"
#include "broker/offset/consumer_offset_manager.h"
#include "protocol/heartbeat_data.h"
#include "broker/subscription/subscription_group_manager.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker {
namespace {

namespace rc = remoting::response_code;
namespace req = remoting::request_code;

constexpr std::int32_t kRetryTopicPerm = perm::kRead | perm::kWrite;

std::string peer_text(BrokerRuntime& rt, reactor::ConnectionId connection) {
  const PeerAddress p = rt.peer_of(connection);
  return fmt::format("{}.{}.{}.{}:{}", p.ipv4 >> 24, (p.ipv4 >> 16) & 0xFF, (p.ipv4 >> 8) & 0xFF, p.ipv4 & 0xFF, p.port);
}

// Oneway NOTIFY_CONSUMER_IDS_CHANGED to every channel of `group`, each from its own core.
void notify_group(BrokerRuntime& rt, const std::string& group) {
  const ConsumerGroupInfo* info = rt.client_manager().consumers.find(group);
  const SubscriptionGroupConfig* config = rt.groups().find(group);
  if (info == nullptr || (config != nullptr && !config->notify_consumer_ids_changed_enable)) return;
  for (const auto& [key, channel] : info->channels) {
    rt.run_on(key.core, [&rt, key, group] {
      auto request = remoting::RemotingCommand::request(req::kNotifyConsumerIdsChanged);
      request.ext_fields.set("consumerGroup", group);
      request.has_ext_fields = true;
      CoreState& cs = rt.core_state(key.core);
      if (cs.server) (void)cs.server->invoke_oneway(reactor::ConnectionId{key.connection}, std::move(request));
    });
  }
}

void ensure_retry_topic(BrokerRuntime& rt, const std::string& group, const SubscriptionGroupConfig& config) {
  if (config.retry_queue_nums <= 0) return;
  bool changed = false;
  auto created = rt.topic_config_manager().create_topic_with_queues(remoting::retry_topic(group),
                                                                    config.retry_queue_nums, kRetryTopicPerm, changed);
  if (!created.ok()) log_warn("creating the retry topic of {} failed: {}", group, created.error().to_string());
  if (changed) rt.publish_topics(true);
}

struct Heartbeat {
  HeartbeatData data;
  ChannelKey channel;
  ClientChannelInfo info;
};

// On core 0: the response code and remark refusing the heartbeat before anything of it is applied,
// or kSuccess.
WireError check_heartbeat_room(BrokerRuntime& rt, const Heartbeat& hb) {
  if (Status room = rt.client_manager().check_group_room(hb.data, hb.channel); !room.ok()) {
    return {rc::kSystemError, room.error().detail};
  }
  for (const ConsumerData& c : hb.data.consumers) {
    if (rt.groups().at_limit(c.group_name)) {
      return {rc::kSubscriptionGroupNotExist, SubscriptionGroupManager::limit_remark(c.group_name)};
    }
  }
  return {};
}

// On core 0.
void apply_heartbeat(BrokerRuntime& rt, const Heartbeat& hb) {
  ClientManager& clients = rt.client_manager();
  bool publish = false;
  for (const ConsumerData& c : hb.data.consumers) {
    bool created = false;
    const SubscriptionGroupConfig* config = rt.groups().find_or_create(c.group_name, created);
    if (config == nullptr) continue;
    publish = publish || created;
    ensure_retry_topic(rt, c.group_name, *config);
    const RegisterOutcome out = clients.consumers.register_consumer(c, hb.channel, hb.info);
    publish = publish || out.subscriptions_changed || out.channels_changed;
    if (out.channels_changed) {
      log_info("consumer {} joined group {}", hb.info.client_id, c.group_name);
      notify_group(rt, c.group_name);
    }
  }
  for (const std::string& group : hb.data.producer_groups) clients.producers.register_producer(group, hb.channel, hb.info);
  if (publish) rt.publish_consumers();
}

void reply_on_core0(const RequestContext& ctx, remoting::RemotingCommand&& response) {
  ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
}

}  // namespace

const SubscriptionGroupConfig* ensure_subscription_group(BrokerRuntime& rt, const std::string& group) {
  bool created = false;
  const SubscriptionGroupConfig* config = rt.groups().find_or_create(group, created);
  if (created) rt.publish_consumers();
  return config;
}

void process_heart_beat(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto parsed = protocol::decode_heartbeat(request.body);
  if (!parsed.ok()) {
    return ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSystemError, parsed.error().to_string()));
  }
  if (Status limits = check_heartbeat_limits(*parsed); !limits.ok()) {
    return ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSystemError, limits.error().detail));
  }
  auto hb = std::make_unique<Heartbeat>();
  hb->data = std::move(parsed).value();
  hb->channel = ChannelKey{ctx.cs.core, ctx.connection.value};
  hb->info.client_id = hb->data.client_id;
  hb->info.client_addr = peer_text(ctx.rt, ctx.connection);
  hb->info.language = std::string(remoting::language_name(request.language));
  hb->info.version = request.version;
  hb->info.last_update_ms = wall_clock_ms();
  ctx.rt.run_on(0, [ctx, hb = std::shared_ptr<Heartbeat>(std::move(hb))] {
    auto [code, remark] = check_heartbeat_room(ctx.rt, *hb);
    if (code != rc::kSuccess) {
      log_warn("heartbeat of client {} refused: {}", hb->info.client_id, remark);
      return reply_on_core0(ctx, make_response(ctx.ref, code, std::move(remark)));
    }
    apply_heartbeat(ctx.rt, *hb);
    reply_on_core0(ctx, make_response(ctx.ref, rc::kSuccess));
  });
}

void process_unregister_client(RequestContext ctx, remoting::RemotingCommand&& request) {
  std::string producer(request.ext_fields.get("producerGroup").value_or(""));
  std::string consumer(request.ext_fields.get("consumerGroup").value_or(""));
  const ChannelKey channel{ctx.cs.core, ctx.connection.value};
  ctx.rt.run_on(0, [ctx, channel, producer, consumer] {
    ClientManager& clients = ctx.rt.client_manager();
    if (!producer.empty()) clients.producers.unregister_producer(producer, channel);
    if (!consumer.empty() && clients.consumers.unregister_consumer(consumer, channel)) {
      notify_group(ctx.rt, consumer);
      ctx.rt.publish_consumers();
    }
    reply_on_core0(ctx, make_response(ctx.ref, rc::kSuccess));
  });
}

void process_get_consumer_list_by_group(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto group = request.ext_fields.get_string("consumerGroup");
  if (!group.ok()) return reply_on_core0(ctx, make_response(ctx.ref, rc::kSystemError, group.error().to_string()));
  ctx.rt.run_on(0, [ctx, g = std::string(*group)] {
    const auto ids = ctx.rt.client_manager().consumers.consumer_ids(g);
    if (ids.empty()) {
      return reply_on_core0(ctx, make_response(ctx.ref, rc::kSystemError, "no consumer for this group, " + g));
    }
    JsonWriter w;
    w.begin_object().key("consumerIdList").begin_array();
    for (const auto& id : ids) w.value(id);
    w.end_array().end_object();
    auto response = make_response(ctx.ref, rc::kSuccess);
    response.body = w.take();
    reply_on_core0(ctx, std::move(response));
  });
}

void on_client_connection_closed(BrokerRuntime& rt, unsigned core, reactor::ConnectionId connection) {
  const ChannelKey channel{core, connection.value};
  rt.client_manager().producers.remove_channel(channel);
  const std::vector<std::string> left = rt.client_manager().consumers.remove_channel(channel);
  for (const std::string& group : left) {
    log_info("a consumer of group {} disconnected", group);
    notify_group(rt, group);
  }
  if (!left.empty()) rt.publish_consumers();
}

void scan_expired_clients(BrokerRuntime& rt) {
  const std::int64_t now = wall_clock_ms();
  const std::int64_t timeout = rt.config().channel_expired_timeout_ms;
  std::vector<std::string> left;
  std::vector<ChannelKey> expired = rt.client_manager().consumers.expire(now, timeout, left);
  rt.client_manager().producers.expire(now, timeout, expired);
  for (const std::string& group : left) notify_group(rt, group);
  if (!left.empty()) rt.publish_consumers();
  for (const ChannelKey& key : expired) {
    log_warn("closing client channel (core {}) silent for over {} ms", key.core, timeout);
    rt.run_on(key.core, [&rt, key] {
      CoreState& cs = rt.core_state(key.core);
      if (cs.server) cs.server->close(reactor::ConnectionId{key.connection}, make_error(Errc::timeout, "client expired"));
    });
  }
}

}  // namespace ringmq::broker
