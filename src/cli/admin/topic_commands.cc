// Topic commands: topicList, topicRoute, topicStatus, updateTopic, deleteTopic (mqadmin's
// TopicListSubCommand, TopicRouteSubCommand, TopicStatusSubCommand, UpdateTopicSubCommand,
// DeleteTopicSubCommand).
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <tuple>

#include "cli/admin/admin_command.h"
#include "cli/admin/admin_queries.h"
#include "remoting/request_code.h"
#include "remoting/topic_validator.h"

namespace ringmq::cli {

namespace req = remoting::request_code;

namespace {

using remoting::kDlqGroupTopicPrefix;
using remoting::kRetryGroupTopicPrefix;
constexpr const char* kOrderTopicConfigNamespace = "ORDER_TOPIC_CONFIG";

Status run_topic_list(AdminSession& s, const std::string& cluster, Output& out) {
  RINGMQ_TRY_ASSIGN(auto response, s.call_namesrv(AdminSession::request(req::kGetAllTopicListFromNameserver)));
  RINGMQ_TRY_ASSIGN(JsonValue body, AdminSession::parse_body(response, "topic list"));
  std::vector<std::string> topics;
  if (const JsonValue* list = body.get("topicList")) {
    for (const auto& t : list->items) topics.push_back(t.as_text());
  }
  std::sort(topics.begin(), topics.end());
  if (cluster.empty()) {
    Table& table = out.table("topics", {{"#Topic", "topic"}});
    for (const auto& t : topics) table.add({t});
    return {};
  }
  Table& table = out.table("topics", {{"#Cluster Name", "cluster"}, {"#Topic", "topic"}, {"#Consumer Group", "group"}});
  for (const auto& t : topics) {
    if (t.starts_with(kRetryGroupTopicPrefix) || t.starts_with(kDlqGroupTopicPrefix)) continue;
    auto route = s.topic_route(t);
    if (!route.ok() || route->broker_datas.empty() || route->broker_datas.front().cluster != cluster) continue;
    RINGMQ_TRY_ASSIGN(auto groups, query_topic_consume_by_who(s, *route, t));
    if (groups.empty()) table.add({cluster, t, ""});
    for (const auto& g : groups) table.add({cluster, t, g});
  }
  return {};
}

Status run_topic_route(AdminSession& s, const std::string& topic, Output& out) {
  RINGMQ_TRY_ASSIGN(auto route, s.topic_route(topic));
  Table& brokers = out.table("brokerDatas", {{"#Cluster Name", "cluster"}, {"#Broker Name", "brokerName"},
                                             {"#BID", "brokerId"}, {"#Addr", "addr"}});
  for (const auto& b : route.broker_datas) {
    for (const auto& [id, addr] : b.broker_addrs) brokers.add({b.cluster, b.broker_name, id, addr});
  }
  Table& queues = out.table("queueDatas", {{"#Broker Name", "brokerName"}, {"#Read Queues", "readQueueNums"},
                                           {"#Write Queues", "writeQueueNums"}, {"#Perm", "perm"},
                                           {"#Sys Flag", "topicSysFlag"}});
  for (const auto& q : route.queue_datas) {
    queues.add({q.broker_name, q.read_queue_nums, q.write_queue_nums, q.perm, q.topic_sys_flag});
  }
  return {};
}

Status run_topic_status(AdminSession& s, const std::string& topic, Output& out) {
  RINGMQ_TRY_ASSIGN(auto route, s.topic_route(topic));
  RINGMQ_TRY_ASSIGN(auto stats, fetch_topic_stats(s, route, topic));
  Table& table = out.table("queues", {{"#Broker Name", "brokerName"}, {"#QID", "queueId"},
                                      {"#Min Offset", "minOffset"}, {"#Max Offset", "maxOffset"},
                                      {"#Last Updated", ""}, {"", "lastUpdateTimestamp"}});
  for (const auto& q : stats) {
    table.add({q.broker_name, q.queue_id, q.min_offset, q.max_offset,
               q.last_update_timestamp > 0 ? human_time_ms(q.last_update_timestamp) : std::string(),
               q.last_update_timestamp});
  }
  return {};
}

struct UpdateTopicArgs {
  std::string broker;
  std::string cluster;
  std::string topic;
  std::int32_t read_queues = 8;
  std::int32_t write_queues = 8;
  std::int32_t perm = 6;
  bool order = false;
  bool unit = false;
  bool has_unit_sub = false;
};

// TopicSysFlag.buildSysFlag: bit 0 unit, bit 1 unit-sub.
std::int32_t topic_sys_flag(const UpdateTopicArgs& a) { return (a.unit ? 1 : 0) | (a.has_unit_sub ? 2 : 0); }

Status run_update_topic(AdminSession& s, const UpdateTopicArgs& a, Output& out) {
  if (auto st = remoting::validate_topic(a.topic); !st.ok()) return st;
  std::vector<std::string> addrs;
  if (!a.broker.empty()) {
    addrs.push_back(a.broker);
  } else if (!a.cluster.empty()) {
    RINGMQ_TRY_ASSIGN(addrs, s.master_addrs_of_cluster(a.cluster));
  } else {
    return make_error(Errc::invalid_argument, "give -b brokerAddr or -c clusterName");
  }
  Table& table = out.table("created", {{"#Broker Addr", "brokerAddr"}, {"#Topic", "topic"},
                                       {"#Read Queues", "readQueueNums"}, {"#Write Queues", "writeQueueNums"},
                                       {"#Perm", "perm"}, {"#Order", "order"}});
  std::string order_conf;
  for (const auto& addr : addrs) {
    auto r = AdminSession::request(req::kUpdateAndCreateTopic);
    r.ext_fields.set("topic", a.topic);
    r.ext_fields.set("defaultTopic", remoting::system_topic::kAutoCreateTopicKey);
    r.ext_fields.set_int("readQueueNums", a.read_queues);
    r.ext_fields.set_int("writeQueueNums", a.write_queues);
    r.ext_fields.set_int("perm", a.perm);
    r.ext_fields.set("topicFilterType", "SINGLE_TAG");
    r.ext_fields.set_int("topicSysFlag", topic_sys_flag(a));
    r.ext_fields.set_bool("order", a.order);
    RINGMQ_TRY(s.call_broker(addr, std::move(r)));
    out.note(fmt::format("create topic to {} success.", addr));
    table.add({addr, a.topic, a.read_queues, a.write_queues, a.perm, a.order});
    if (!order_conf.empty()) order_conf += ';';
    order_conf += fmt::format("{}:{}", s.broker_name_of(addr), a.write_queues);
  }
  if (a.order && !a.cluster.empty()) {
    // UpdateTopicSubCommand: an ordered topic's "brokerName:queueNums;..." goes to the NameServer's
    // ORDER_TOPIC_CONFIG namespace, where route lookups find it.
    auto r = AdminSession::request(req::kPutKvConfig);
    r.ext_fields.set("namespace", kOrderTopicConfigNamespace);
    r.ext_fields.set("key", a.topic);
    r.ext_fields.set("value", order_conf);
    RINGMQ_TRY(s.call_namesrv(std::move(r)));
    out.note(fmt::format("set cluster orderConf. isOrder={}, orderConf=[{}]", a.order, order_conf));
  }
  return {};
}

Status run_delete_topic(AdminSession& s, const std::string& topic, const std::string& cluster, Output& out) {
  RINGMQ_TRY_ASSIGN(auto masters, s.master_addrs_of_cluster(cluster));
  Table& table = out.table("deleted", {{"#Where", "where"}, {"#Addr", "addr"}});
  for (const auto& addr : masters) {
    auto r = AdminSession::request(req::kDeleteTopicInBroker);
    r.ext_fields.set("topic", topic);
    RINGMQ_TRY(s.call_broker(addr, std::move(r)));
    table.add({"broker", addr});
  }
  out.note(fmt::format("delete topic [{}] from cluster [{}] success.", topic, cluster));
  for (const auto& ns : s.namesrv_addrs()) {
    auto r = AdminSession::request(req::kDeleteTopicInNamesrv);
    r.ext_fields.set("topic", topic);
    RINGMQ_TRY(s.call_namesrv_at(ns, std::move(r)));
    table.add({"namesrv", ns});
  }
  out.note(fmt::format("delete topic [{}] from NameServer success.", topic));
  return {};
}

}  // namespace

void add_topic_commands(AdminCli& cli) {
  auto list_cluster = std::make_shared<std::string>();
  CLI::App* app = cli.add("topicList", "Fetch all topic list from name server",
                          [list_cluster](AdminSession& s, const AdminOptions&, Output& out) {
                            return run_topic_list(s, *list_cluster, out);
                          });
  app->add_option("-c,--clusterModel", *list_cluster, "with the cluster and consumer groups of each topic");

  auto route_topic = std::make_shared<std::string>();
  app = cli.add("topicRoute", "Examine topic route info", [route_topic](AdminSession& s, const AdminOptions&, Output& out) {
    return run_topic_route(s, *route_topic, out);
  });
  app->add_option("-t,--topic", *route_topic, "topic name")->required();

  auto status_topic = std::make_shared<std::string>();
  app = cli.add("topicStatus", "Examine topic Status info",
                [status_topic](AdminSession& s, const AdminOptions&, Output& out) {
                  return run_topic_status(s, *status_topic, out);
                });
  app->add_option("-t,--topic", *status_topic, "topic name")->required();

  auto u = std::make_shared<UpdateTopicArgs>();
  app = cli.add("updateTopic", "Update or create topic", [u](AdminSession& s, const AdminOptions&, Output& out) {
    return run_update_topic(s, *u, out);
  });
  app->add_option("-b,--brokerAddr", u->broker, "create topic to which broker");
  app->add_option("-c,--clusterName", u->cluster, "create topic to which cluster");
  app->add_option("-t,--topic", u->topic, "topic name")->required();
  app->add_option("-r,--readQueueNums", u->read_queues, "set read queue nums")->capture_default_str();
  app->add_option("-w,--writeQueueNums", u->write_queues, "set write queue nums")->capture_default_str();
  app->add_option("-p,--perm", u->perm, "set topic's permission(2|4|6), intro[2:W 4:R; 6:RW]")->capture_default_str();
  app->add_option("-o,--order", u->order, "set topic's order(true|false)");
  app->add_option("-u,--unit", u->unit, "is unit topic (true|false)");
  app->add_option("-s,--hasUnitSub", u->has_unit_sub, "has unit sub (true|false)");

  auto del = std::make_shared<std::pair<std::string, std::string>>();
  app = cli.add("deleteTopic", "Delete topic from broker and NameServer.",
                [del](AdminSession& s, const AdminOptions&, Output& out) {
                  return run_delete_topic(s, del->first, del->second, out);
                });
  app->add_option("-t,--topic", del->first, "topic name")->required();
  app->add_option("-c,--clusterName", del->second, "delete topic from which cluster")->required();
}

}  // namespace ringmq::cli
