// Cluster and broker commands: clusterList, brokerStatus, getBrokerConfig, updateBrokerConfig
// (mqadmin's ClusterListSubCommand, BrokerStatusSubCommand, GetBrokerConfigCommand,
// UpdateBrokerConfigSubCommand).
#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <memory>

#include "base/clock.h"
#include "base/json_writer.h"
#include "base/properties_file.h"
#include "cli/admin/admin_command.h"
#include "remoting/request_code.h"

namespace ringmq::cli {

namespace req = remoting::request_code;

namespace {

using KvTable = std::map<std::string, std::string>;

Result<KvTable> fetch_runtime_info(AdminSession& s, const std::string& addr) {
  RINGMQ_TRY_ASSIGN(auto response, s.call_broker(addr, AdminSession::request(req::kGetBrokerRuntimeInfo)));
  RINGMQ_TRY_ASSIGN(JsonValue body, AdminSession::parse_body(response, "broker " + addr + ": runtime info"));
  KvTable kv;
  if (const JsonValue* table = body.get("table")) {
    for (const auto& [k, v] : table->members) kv[k.as_text()] = v.as_text();
  }
  return kv;
}

std::string kv(const KvTable& t, const std::string& key, const char* fallback = "0") {
  auto it = t.find(key);
  return it == t.end() ? fallback : it->second;
}

// The first number of a "now 1-min 10-min" triple.
double first_tps(const KvTable& t, const std::string& key) { return std::strtod(kv(t, key).c_str(), nullptr); }

void add_cluster_row(Table& table, const std::string& cluster, const std::string& name, std::int64_t id,
                     const std::string& addr, const KvTable& t) {
  const double in = first_tps(t, "putTps");
  const double out = first_tps(t, "getTransferedTps");
  const std::int64_t earliest = std::atoll(kv(t, "earliestMessageTimeStamp").c_str());
  const double hours = earliest > 0 ? static_cast<double>(wall_clock_ms() - earliest) / 3'600'000.0 : 0.0;
  const double space = std::strtod(kv(t, "commitLogDiskRatio").c_str(), nullptr);
  table.add({cluster, name, id, addr, kv(t, "brokerVersionDesc", ""),
             fmt::format("{:.2f}({},{}ms)", in, kv(t, "sendThreadPoolQueueSize"),
                         kv(t, "sendThreadPoolQueueHeadWaitTimeMills")),
             fmt::format("{:.2f}({},{}ms)", out, kv(t, "pullThreadPoolQueueSize"),
                         kv(t, "pullThreadPoolQueueHeadWaitTimeMills")),
             kv(t, "pageCacheLockTimeMills"), fmt::format("{:.2f}", hours), fmt::format("{:.4f}", space),
             Cell::fixed(in, 2), Cell::fixed(out, 2), Cell::fixed(hours, 2), Cell::fixed(space, 4)});
}

Status run_cluster_list(AdminSession& s, const std::string& only_cluster, Output& out) {
  RINGMQ_TRY_ASSIGN(ClusterInfo info, s.cluster_info());
  Table& table = out.table("brokers", {{"#Cluster Name", "cluster"}, {"#Broker Name", "brokerName"},
                                       {"#BID", "brokerId"}, {"#Addr", "addr"}, {"#Version", "version"},
                                       {"#InTPS(LOAD)", ""}, {"#OutTPS(LOAD)", ""}, {"#PCWait(ms)", "pageCacheWaitMs"},
                                       {"#Hour", ""}, {"#SPACE", ""}, {"", "inTps"}, {"", "outTps"},
                                       {"", "hours"}, {"", "commitLogDiskRatio"}});
  for (const auto& [cluster, names] : info.clusters) {
    if (!only_cluster.empty() && cluster != only_cluster) continue;
    for (const auto& name : names) {
      auto b = info.brokers.find(name);
      if (b == info.brokers.end()) continue;
      for (const auto& [id, addr] : b->second.broker_addrs) {
        // A broker that does not answer is reported and skipped; the others still print.
        auto t = fetch_runtime_info(s, addr);
        if (!t.ok()) {
          std::fprintf(stderr, "%s\n", t.error().detail.c_str());
          continue;
        }
        add_cluster_row(table, cluster, name, id, addr, *t);
      }
    }
  }
  return {};
}

// -b or -c: the addresses a broker command applies to (cluster: masters only, as mqadmin).
Result<std::vector<std::string>> target_addrs(AdminSession& s, const std::string& broker, const std::string& cluster,
                                              bool masters_only) {
  if (!broker.empty()) return std::vector<std::string>{broker};
  if (cluster.empty()) return make_error(Errc::invalid_argument, "give -b brokerAddr or -c clusterName");
  return masters_only ? s.master_addrs_of_cluster(cluster) : s.broker_addrs_of_cluster(cluster);
}

Status run_broker_status(AdminSession& s, const std::string& broker, const std::string& cluster, Output& out) {
  RINGMQ_TRY_ASSIGN(auto addrs, target_addrs(s, broker, cluster, false));
  Table& table = out.table("stats", {{cluster.empty() ? "" : "#Broker Addr", "brokerAddr"}, {"#Key", "key"},
                                     {"#Value", "value"}});
  JsonWriter w;
  w.begin_object();
  for (const auto& addr : addrs) {
    RINGMQ_TRY_ASSIGN(KvTable t, fetch_runtime_info(s, addr));
    w.key(addr).begin_object();
    for (const auto& [k, v] : t) {
      table.add({addr, k, v});
      w.key(k).value(v);
    }
    w.end_object();
  }
  w.end_object();
  out.raw_json("brokers", w.take());
  return {};
}

Status run_get_broker_config(AdminSession& s, const std::string& broker, const std::string& cluster, Output& out) {
  RINGMQ_TRY_ASSIGN(auto addrs, target_addrs(s, broker, cluster, false));
  Table& table = out.table("config", {{cluster.empty() ? "" : "#Broker Addr", "brokerAddr"}, {"#Key", "key"},
                                      {"#Value", "value"}});
  JsonWriter w;
  w.begin_object();
  for (const auto& addr : addrs) {
    RINGMQ_TRY_ASSIGN(auto response, s.call_broker(addr, AdminSession::request(req::kGetBrokerConfig)));
    // The body is MixAll.properties2String's "key=value" lines: the project's properties parser.
    RINGMQ_TRY_ASSIGN(Properties config, ringmq::parse_properties(response.body));
    w.key(addr).begin_object();
    for (const auto& [k, v] : config) {
      table.add({addr, k, v});
      w.key(k).value(v);
    }
    w.end_object();
  }
  w.end_object();
  out.raw_json("brokers", w.take());
  return {};
}

Status run_update_broker_config(AdminSession& s, const std::string& broker, const std::string& cluster,
                                const std::string& key, const std::string& value, Output& out) {
  RINGMQ_TRY_ASSIGN(auto addrs, target_addrs(s, broker, cluster, true));
  Table& table = out.table("updated", {{"#Broker Addr", "brokerAddr"}, {"#Key", "key"}, {"#Value", "value"}});
  for (const auto& addr : addrs) {
    auto r = AdminSession::request(req::kUpdateBrokerConfig);
    r.body = key + "=" + value + "\n";
    RINGMQ_TRY(s.call_broker(addr, std::move(r)));
    out.note(fmt::format("update broker config success, {}", addr));
    table.add({addr, key, value});
  }
  return {};
}

struct BrokerTarget {
  std::string broker;
  std::string cluster;
  std::string key;
  std::string value;
};

}  // namespace

void add_cluster_commands(AdminCli& cli) {
  auto cluster = std::make_shared<std::string>();
  CLI::App* app = cli.add("clusterList", "List all of clusters", [cluster](AdminSession& s, const AdminOptions&, Output& out) {
    return run_cluster_list(s, *cluster, out);
  });
  app->add_option("-c,--clusterName", *cluster, "which cluster");

  auto status = std::make_shared<BrokerTarget>();
  app = cli.add("brokerStatus", "Fetch broker runtime status data", [status](AdminSession& s, const AdminOptions&, Output& out) {
    return run_broker_status(s, status->broker, status->cluster, out);
  });
  app->add_option("-b,--brokerAddr", status->broker, "Broker address");
  app->add_option("-c,--clusterName", status->cluster, "which cluster");

  auto get = std::make_shared<BrokerTarget>();
  app = cli.add("getBrokerConfig", "Get broker config by cluster or special broker",
                [get](AdminSession& s, const AdminOptions&, Output& out) {
                  return run_get_broker_config(s, get->broker, get->cluster, out);
                });
  app->add_option("-b,--brokerAddr", get->broker, "get which broker");
  app->add_option("-c,--clusterName", get->cluster, "get which cluster");

  auto update = std::make_shared<BrokerTarget>();
  app = cli.add("updateBrokerConfig", "Update broker's config", [update](AdminSession& s, const AdminOptions&, Output& out) {
    return run_update_broker_config(s, update->broker, update->cluster, update->key, update->value, out);
  });
  app->add_option("-b,--brokerAddr", update->broker, "update which broker");
  app->add_option("-c,--clusterName", update->cluster, "update which cluster");
  app->add_option("-k,--key", update->key, "config key")->required();
  app->add_option("-v,--value", update->value, "config value")->required();
}

}  // namespace ringmq::cli
