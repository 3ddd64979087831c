// Consumer and producer group commands: updateSubGroup, deleteSubGroup, consumerProgress,
// consumerConnection, producerConnection, resetOffsetByTime (mqadmin's UpdateSubGroupSubCommand,
// DeleteSubscriptionGroupCommand, ConsumerProgressSubCommand, ConsumerConnectionSubCommand,
// ProducerConnectionSubCommand, ResetOffsetByTimeCommand).
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "base/json_writer.h"
#include "cli/admin/admin_command.h"
#include "cli/admin/admin_queries.h"
#include "client/mq_admin.h"
#include "protocol/message_queue.h"
#include "protocol/subscription_group_config.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/topic_validator.h"

namespace ringmq::cli {

namespace req = remoting::request_code;
namespace rc = remoting::response_code;

namespace {

constexpr std::string_view kRetryPrefix = remoting::kRetryGroupTopicPrefix;
constexpr std::string_view kDlqPrefix = remoting::kDlqGroupTopicPrefix;

Result<std::vector<std::string>> broker_or_cluster(AdminSession& s, const std::string& broker,
                                                   const std::string& cluster) {
  if (!broker.empty()) return std::vector<std::string>{broker};
  if (cluster.empty()) return make_error(Errc::invalid_argument, "give -b brokerAddr or -c clusterName");
  return s.master_addrs_of_cluster(cluster);
}

struct SubGroupArgs {
  std::string broker;
  std::string cluster;
  protocol::SubscriptionGroupConfig config;  // the group's name and settings, as the broker stores them
  bool remove_offset = false;
};

Status run_update_sub_group(AdminSession& s, const SubGroupArgs& a, Output& out) {
  RINGMQ_TRY_ASSIGN(auto addrs, broker_or_cluster(s, a.broker, a.cluster));
  Table& table = out.table("updated", {{"#Broker Addr", "brokerAddr"}, {"#Group", "groupName"}});
  const std::string body = protocol::encode_subscription_group(a.config);
  for (const auto& addr : addrs) {
    auto r = AdminSession::request(req::kUpdateAndCreateSubscriptiongroup);
    r.body = body;
    RINGMQ_TRY(s.call_broker(addr, std::move(r)));
    out.note(fmt::format("create subscription group to {} success.", addr));
    table.add({addr, a.config.group_name});
  }
  out.raw_json("config", body);
  return {};
}

Status run_delete_sub_group(AdminSession& s, const SubGroupArgs& a, Output& out) {
  RINGMQ_TRY_ASSIGN(auto addrs, broker_or_cluster(s, a.broker, a.cluster));
  Table& table = out.table("deleted", {{"#Broker Addr", "brokerAddr"}, {"#Group", "groupName"}});
  for (const auto& addr : addrs) {
    auto r = AdminSession::request(req::kDeleteSubscriptiongroup);
    r.ext_fields.set("groupName", a.config.group_name);
    r.ext_fields.set_bool("cleanOffset", a.remove_offset);
    RINGMQ_TRY(s.call_broker(addr, std::move(r)));
    out.note(fmt::format("delete subscription group [{}] from broker [{}] success.", a.config.group_name, addr));
    table.add({addr, a.config.group_name});
  }
  if (a.cluster.empty()) return {};
  // DeleteSubscriptionGroupCommand (cluster mode) also drops the group's retry and DLQ topics.
  for (const std::string& topic : {std::string(kRetryPrefix) + a.config.group_name, std::string(kDlqPrefix) + a.config.group_name}) {
    for (const auto& addr : addrs) {
      auto r = AdminSession::request(req::kDeleteTopicInBroker);
      r.ext_fields.set("topic", topic);
      RINGMQ_TRY(s.call_broker(addr, std::move(r)));
    }
    for (const auto& ns : s.namesrv_addrs()) {
      auto r = AdminSession::request(req::kDeleteTopicInNamesrv);
      r.ext_fields.set("topic", topic);
      RINGMQ_TRY(s.call_namesrv_at(ns, std::move(r)));
    }
    out.note(fmt::format("delete topic [{}] from cluster [{}] success.", topic, a.cluster));
  }
  return {};
}

Status run_group_progress(AdminSession& s, const std::string& group, const std::string& topic, Output& out) {
  RINGMQ_TRY_ASSIGN(GroupConsumeStats stats, fetch_consume_stats(s, group, topic));
  Table& table = out.table("queues", {{"#Topic", "topic"}, {"#Broker Name", "brokerName"}, {"#QID", "queueId"},
                                      {"#Broker Offset", "brokerOffset"}, {"#Consumer Offset", "consumerOffset"},
                                      {"#Diff", "diff"}, {"#LastTime", ""}, {"", "lastTimestamp"}});
  for (const auto& q : stats.queues) {
    table.add({q.topic, q.broker_name, q.queue_id, q.broker_offset, q.consumer_offset,
               q.broker_offset - q.consumer_offset, q.last_timestamp > 0 ? human_time_ms(q.last_timestamp) : "N/A",
               q.last_timestamp});
  }
  out.field("Consume TPS", "consumeTps", Cell::fixed(stats.consume_tps, 2));
  out.field("Diff Total", "diffTotal", stats.diff_total());
  return {};
}

// GET_CONSUMER_CONNECTION_LIST on the first master of %RETRY%group that knows the group.
Result<JsonValue> fetch_consumer_connection(AdminSession& s, const std::string& group) {
  RINGMQ_TRY_ASSIGN(auto route, s.topic_route(std::string(kRetryPrefix) + group));
  Result<remoting::RemotingCommand> last = make_error(Errc::not_found, "no master in the route of %RETRY%" + group);
  for (const auto& addr : master_addrs(route)) {
    auto r = AdminSession::request(req::kGetConsumerConnectionList);
    r.ext_fields.set("consumerGroup", group);
    last = s.call_broker(addr, std::move(r));
    if (last.ok()) return AdminSession::parse_body(*last, "broker " + addr + ": consumer connection");
  }
  return last.take_error();
}

Status run_all_groups_progress(AdminSession& s, Output& out) {
  RINGMQ_TRY_ASSIGN(auto response, s.call_namesrv(AdminSession::request(req::kGetAllTopicListFromNameserver)));
  RINGMQ_TRY_ASSIGN(JsonValue body, AdminSession::parse_body(response, "topic list"));
  Table& table = out.table("groups", {{"#Group", "group"}, {"#Count", "count"}, {"#Type", "consumeType"},
                                      {"#Model", "messageModel"}, {"#TPS", "consumeTps"}, {"#Diff Total", "diffTotal"}});
  std::vector<std::string> groups;
  if (const JsonValue* list = body.get("topicList")) {
    for (const auto& t : list->items) {
      const std::string topic = t.as_text();
      if (topic.starts_with(kRetryPrefix)) groups.push_back(topic.substr(kRetryPrefix.size()));
    }
  }
  std::sort(groups.begin(), groups.end());
  for (const auto& g : groups) {
    RINGMQ_TRY_ASSIGN(GroupConsumeStats stats, fetch_consume_stats(s, g, ""));
    auto conn = fetch_consumer_connection(s, g);  // CONSUMER_NOT_ONLINE: no clients, still listed
    const std::int64_t count = conn.ok() && conn->get("connectionSet") ? conn->get("connectionSet")->items.size() : 0;
    table.add({g, count, conn.ok() ? conn->str("consumeType") : "", conn.ok() ? conn->str("messageModel") : "",
               Cell::fixed(stats.consume_tps, 2), stats.diff_total()});
  }
  return {};
}

Status run_consumer_connection(AdminSession& s, const std::string& group, Output& out) {
  RINGMQ_TRY_ASSIGN(JsonValue body, fetch_consumer_connection(s, group));
  Table& conns = out.table("connections", {{"#ClientId", "clientId"}, {"#ClientAddr", "clientAddr"},
                                           {"#Language", "language"}, {"#Version", "version"}});
  if (const JsonValue* set = body.get("connectionSet")) {
    for (const auto& c : set->items) {
      conns.add({c.str("clientId"), c.str("clientAddr"), c.str("language"), c.int64("version")});
    }
  }
  Table& subs = out.table("subscriptions", {{"#Topic", "topic"}, {"#SubExpression", "subExpression"}});
  if (const JsonValue* table = body.get("subscriptionTable")) {
    for (const auto& [topic, sub] : table->members) subs.add({topic.as_text(), sub.str("subString")});
  }
  out.field("ConsumeType", "consumeType", body.str("consumeType"));
  out.field("MessageModel", "messageModel", body.str("messageModel"));
  out.field("ConsumeFromWhere", "consumeFromWhere", body.str("consumeFromWhere"));
  return {};
}

Status run_producer_connection(AdminSession& s, const std::string& group, const std::string& topic, Output& out) {
  RINGMQ_TRY_ASSIGN(auto route, s.topic_route(topic));
  const auto addrs = master_addrs(route);
  if (addrs.empty()) return make_error(Errc::not_found, "no master in the route of " + topic);
  auto r = AdminSession::request(req::kGetProducerConnectionList);
  r.ext_fields.set("producerGroup", group);
  RINGMQ_TRY_ASSIGN(auto response, s.call_broker(addrs.front(), std::move(r)));
  RINGMQ_TRY_ASSIGN(JsonValue body, AdminSession::parse_body(response, "broker " + addrs.front()));
  Table& conns = out.table("connections", {{"#ClientId", "clientId"}, {"#ClientAddr", "clientAddr"},
                                           {"#Language", "language"}, {"#Version", "version"}});
  if (const JsonValue* set = body.get("connectionSet")) {
    for (const auto& c : set->items) {
      conns.add({c.str("clientId"), c.str("clientAddr"), c.str("language"), c.int64("version")});
    }
  }
  return {};
}

struct ResetArgs {
  std::string group;
  std::string topic;
  std::string timestamp;
  bool force = true;
};

Result<std::int64_t> search_offset(AdminSession& s, const std::string& addr, const std::string& topic,
                                   std::int32_t queue, std::int64_t timestamp) {
  auto r = AdminSession::request(req::kSearchOffsetByTimestamp);
  r.ext_fields.set("topic", topic);
  r.ext_fields.set_int("queueId", queue);
  r.ext_fields.set_int("timestamp", timestamp);
  RINGMQ_TRY_ASSIGN(auto response, s.call_broker(addr, std::move(r)));
  return response.ext_fields.get_int64("offset");
}

// ResetOffsetByTimeOldCommand's way, which needs nothing beyond the classic requests: for each
// queue, the offset of the first message stored at or after the time becomes the group's committed
// offset (with -f false, only where that moves the offset back). Consumers that are running keep
// their in-memory offsets and may commit over it; stop them first, as with mqadmin's old path.
// DefaultMQAdminExtImpl#resetOffsetByTimestamp: every master computes the offsets and pushes them
// to the group's live clients (INVOKE_BROKER_TO_RESET_OFFSET). Returns false when a broker says no
// consumer is online (CONSUMER_NOT_ONLINE): then the offsets are committed directly instead. Unlike
// mqadmin, a broker lacking an offset of the group on some queue ("THe consumer group <g> not
// exist") takes that path too, so a group that never consumed every queue can still be reset.
Result<bool> reset_through_clients(AdminSession& s, const client::TopicRouteData& route, const ResetArgs& a,
                                   std::int64_t timestamp, Output& out) {
  std::vector<std::pair<client::MessageQueue, std::int64_t>> reset;
  for (const auto& b : route.broker_datas) {
    auto addr = route.master_address(b.broker_name);
    if (!addr) continue;
    auto r = AdminSession::request(req::kInvokeBrokerToResetOffset);
    r.ext_fields.set("topic", a.topic);
    r.ext_fields.set("group", a.group);
    r.ext_fields.set_int("timestamp", timestamp);
    r.ext_fields.set("isForce", a.force ? "true" : "false");
    RINGMQ_TRY_ASSIGN(auto response, s.call_broker(*addr, std::move(r), {rc::kConsumerNotOnline, rc::kSystemError}));
    if (response.code == rc::kConsumerNotOnline) return false;
    if (response.code == rc::kSystemError) {
      const std::string remark = response.remark.value_or("");
      if (remark.starts_with("THe consumer group <") && remark.ends_with("> not exist")) return false;
      // Any other refusal is reported as call_broker reports one.
      s.note_failure(client::AdminCallFailure{"broker " + *addr, rc::kSystemError, remark});
      return make_error(Errc::io, fmt::format("broker {}: SYSTEM_ERROR ({}): {}", *addr, rc::kSystemError, remark));
    }
    RINGMQ_TRY_ASSIGN(auto entries, protocol::decode_queue_offset_table(response.body));
    for (auto& entry : entries) reset.push_back(std::move(entry));
  }
  Table& table = out.table("queues", {{"#brokerName", "brokerName"}, {"#queueId", "queueId"}, {"#offset", "resetOffset"}});
  for (const auto& [mq, offset] : reset) table.add({mq.broker_name, mq.queue_id, offset});
  return true;
}

Status run_reset_offset(AdminSession& s, const ResetArgs& a, Output& out) {
  RINGMQ_TRY_ASSIGN(const std::int64_t timestamp, parse_time_arg(a.timestamp));
  RINGMQ_TRY_ASSIGN(auto route, s.topic_route(a.topic));
  RINGMQ_TRY_ASSIGN(const bool pushed, reset_through_clients(s, route, a, timestamp, out));
  if (pushed) return {};
  // ResetOffsetByTimeOldCommand: no client online, so the offsets found by time are committed here.
  RINGMQ_TRY_ASSIGN(GroupConsumeStats stats, fetch_consume_stats(s, a.group, a.topic));
  out.note(fmt::format("rollback consumer offset by specified group[{}], topic[{}], force[{}], timestamp(string)[{}], "
                       "timestamp(long)[{}]",
                       a.group, a.topic, a.force, a.timestamp, timestamp));
  Table& table = out.table("queues", {{"#brokerName", "brokerName"}, {"#queueId", "queueId"},
                                      {"#brokerOffset", "brokerOffset"}, {"#consumerOffset", "consumerOffset"},
                                      {"#timestampOffset", "timestampOffset"}, {"#resetOffset", "resetOffset"}});
  for (const auto& q : stats.queues) {
    auto addr = route.master_address(q.broker_name);
    if (!addr) continue;
    RINGMQ_TRY_ASSIGN(const std::int64_t at, search_offset(s, *addr, q.topic, q.queue_id, timestamp));
    const std::int64_t reset = a.force || at < q.consumer_offset ? at : q.consumer_offset;
    auto r = AdminSession::request(req::kUpdateConsumerOffset);
    r.ext_fields.set("consumerGroup", a.group);
    r.ext_fields.set("topic", q.topic);
    r.ext_fields.set_int("queueId", q.queue_id);
    r.ext_fields.set_int("commitOffset", reset);
    RINGMQ_TRY(s.call_broker(*addr, std::move(r)));
    table.add({q.broker_name, q.queue_id, q.broker_offset, q.consumer_offset, at, reset});
  }
  return {};
}

void add_sub_group_commands(AdminCli& cli) {
  auto u = std::make_shared<SubGroupArgs>();
  CLI::App* app = cli.add("updateSubGroup", "Update or create subscription group",
                          [u](AdminSession& s, const AdminOptions&, Output& out) { return run_update_sub_group(s, *u, out); });
  app->add_option("-b,--brokerAddr", u->broker, "create subscription group to which broker");
  app->add_option("-c,--clusterName", u->cluster, "create subscription group to which cluster");
  app->add_option("-g,--groupName", u->config.group_name, "consumer group name")->required();
  app->add_option("-s,--consumeEnable", u->config.consume_enable, "consume enable");
  app->add_option("-m,--consumeFromMinEnable", u->config.consume_from_min_enable, "from min offset");
  app->add_option("-d,--consumeBroadcastEnable", u->config.consume_broadcast_enable, "broadcast");
  app->add_option("-q,--retryQueueNums", u->config.retry_queue_nums, "retry queue nums")->capture_default_str();
  app->add_option("-r,--retryMaxTimes", u->config.retry_max_times, "retry max times")->capture_default_str();
  app->add_option("-i,--brokerId", u->config.broker_id, "consumer from which broker id");
  app->add_option("-w,--whichBrokerWhenConsumeSlowly", u->config.which_broker_when_consume_slowly,
                  "which broker id when consume slowly");
  app->add_option("-a,--notifyConsumerIdsChanged", u->config.notify_consumer_ids_changed_enable, "notify consumerId changed");

  auto d = std::make_shared<SubGroupArgs>();
  app = cli.add("deleteSubGroup", "Delete subscription group from broker.",
                [d](AdminSession& s, const AdminOptions&, Output& out) { return run_delete_sub_group(s, *d, out); });
  app->add_option("-b,--brokerAddr", d->broker, "delete subscription group from which broker");
  app->add_option("-c,--clusterName", d->cluster, "delete subscription group from which cluster");
  app->add_option("-g,--groupName", d->config.group_name, "subscription group name")->required();
  app->add_option("-r,--removeOffset", d->remove_offset, "remove offset");
}

}  // namespace

void add_group_commands(AdminCli& cli) {
  add_sub_group_commands(cli);

  auto progress = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* app = cli.add("consumerProgress", "Query consumers's progress, speed",
                          [progress](AdminSession& s, const AdminOptions&, Output& out) {
                            if (progress->first.empty()) return run_all_groups_progress(s, out);
                            return run_group_progress(s, progress->first, progress->second, out);
                          });
  app->add_option("-g,--groupName", progress->first, "consumer group name (all groups when absent)");
  app->add_option("-t,--topicName", progress->second, "only this topic");

  auto conn = std::make_shared<std::string>();
  app = cli.add("consumerConnection", "Query consumer's socket connection, client version and subscription",
                [conn](AdminSession& s, const AdminOptions&, Output& out) { return run_consumer_connection(s, *conn, out); });
  app->add_option("-g,--consumerGroup", *conn, "consumer group name")->required();

  auto prod = std::make_shared<std::pair<std::string, std::string>>();
  app = cli.add("producerConnection", "Query producer's socket connection and client version",
                [prod](AdminSession& s, const AdminOptions&, Output& out) {
                  return run_producer_connection(s, prod->first, prod->second, out);
                });
  app->add_option("-g,--producerGroup", prod->first, "producer group name")->required();
  app->add_option("-t,--topic", prod->second, "topic name")->required();

  auto reset = std::make_shared<ResetArgs>();
  app = cli.add("resetOffsetByTime", "Reset consumer offset by timestamp(without client restart).",
                [reset](AdminSession& s, const AdminOptions&, Output& out) { return run_reset_offset(s, *reset, out); });
  app->add_option("-g,--group", reset->group, "set the consumer group")->required();
  app->add_option("-t,--topic", reset->topic, "set the topic")->required();
  app->add_option("-s,--timestamp", reset->timestamp,
                  "set the timestamp[now|currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]")->required();
  app->add_option("-f,--force", reset->force, "set the force rollback by timestamp switch[true|false]");
}

}  // namespace ringmq::cli
