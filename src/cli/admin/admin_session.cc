#include "cli/admin/admin_session.h"

#include <fmt/format.h>

#include <algorithm>

#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::cli {

namespace req = remoting::request_code;
namespace rc = remoting::response_code;

Result<std::unique_ptr<AdminSession>> AdminSession::open(const std::string& namesrv_addr,
                                                        const std::string& namesrv_domain,
                                                        const remoting::AclCredentials& credentials) {
  client::ClientConfig config;
  config.credentials = credentials;
  config.namesrv_addr = namesrv_addr;
  config.namesrv_domain = namesrv_domain;
  config.instance_name = "ringmq-admin";
  config.callback_threads = 1;
  RINGMQ_TRY_ASSIGN(auto instance, client::ClientInstance::create(std::move(config)));
  return std::unique_ptr<AdminSession>(new AdminSession(std::move(instance)));
}

AdminSession::~AdminSession() {
  if (instance_) instance_->shutdown();
}

remoting::RemotingCommand AdminSession::request(std::int32_t code) {
  auto r = remoting::RemotingCommand::request(code, remoting::SerializeType::json);
  r.has_ext_fields = true;
  return r;
}

Result<remoting::RemotingCommand> AdminSession::check(const std::string& peer,
                                                      Result<remoting::RemotingCommand> response,
                                                      const std::vector<std::int32_t>& also_ok) {
  if (!response.ok()) {
    failure_ = client::AdminCallFailure{peer, -1, response.error().to_string()};
    return make_error(response.error().code, fmt::format("{}: {}", peer, response.error().to_string()));
  }
  const std::int32_t code = response->code;
  if (code == rc::kSuccess || std::find(also_ok.begin(), also_ok.end(), code) != also_ok.end()) {
    failure_.reset();
    return response;
  }
  const std::string remark = response->remark.value_or("");
  failure_ = client::AdminCallFailure{peer, code, remark};
  const Errc errc = code == rc::kTopicNotExist || code == rc::kQueryNotFound || code == rc::kSubscriptionGroupNotExist
                        ? Errc::not_found
                        : Errc::io;
  return make_error(errc, fmt::format("{}: {} ({}): {}", peer, remoting::response_code_name(code), code, remark));
}

Result<remoting::RemotingCommand> AdminSession::call_broker(const std::string& addr, remoting::RemotingCommand request,
                                                            std::vector<std::int32_t> also_ok) {
  return check("broker " + addr, instance_->invoke_sync(addr, std::move(request), kAdminCallTimeoutMs), also_ok);
}

Result<remoting::RemotingCommand> AdminSession::call_namesrv(remoting::RemotingCommand request,
                                                             std::vector<std::int32_t> also_ok) {
  return check("namesrv", instance_->invoke_namesrv(std::move(request), kAdminCallTimeoutMs), also_ok);
}

Result<remoting::RemotingCommand> AdminSession::call_namesrv_at(const std::string& addr,
                                                                remoting::RemotingCommand request) {
  return check("namesrv " + addr, instance_->invoke_sync(addr, std::move(request), kAdminCallTimeoutMs), {});
}

Result<JsonValue> AdminSession::parse_body(const remoting::RemotingCommand& response, const std::string& what) {
  auto parsed = parse_fastjson(response.body);
  if (!parsed.ok()) return make_error(Errc::malformed, what + ": " + parsed.error().detail);
  return parsed;
}

Result<ClusterInfo> AdminSession::cluster_info() {
  if (cluster_cache_) return *cluster_cache_;
  RINGMQ_TRY_ASSIGN(auto response, call_namesrv(request(req::kGetBrokerClusterInfo)));
  RINGMQ_TRY_ASSIGN(JsonValue body, parse_body(response, "cluster info"));
  ClusterInfo info;
  if (const JsonValue* table = body.get("brokerAddrTable")) {
    for (const auto& [name, data] : table->members) {
      client::BrokerData b;
      b.broker_name = data.str("brokerName", name.as_text());
      b.cluster = data.str("cluster");
      if (const JsonValue* addrs = data.get("brokerAddrs")) {
        for (const auto& [id, addr] : addrs->members) b.broker_addrs[id.as_int64()] = addr.as_text();
      }
      info.brokers[b.broker_name] = std::move(b);
    }
  }
  if (const JsonValue* table = body.get("clusterAddrTable")) {
    for (const auto& [cluster, names] : table->members) {
      auto& list = info.clusters[cluster.as_text()];
      for (const auto& n : names.items) list.push_back(n.as_text());
      std::sort(list.begin(), list.end());
    }
  }
  cluster_cache_ = info;
  return info;
}

Result<client::TopicRouteData> AdminSession::topic_route(const std::string& topic) {
  auto r = request(req::kGetRouteinfoByTopic);
  r.ext_fields.set("topic", topic);
  RINGMQ_TRY_ASSIGN(auto response, call_namesrv(std::move(r)));
  return protocol::decode_topic_route_data(response.body);
}

namespace {

Result<std::vector<std::string>> addrs_of_cluster(AdminSession& s, const std::string& cluster, bool masters_only) {
  RINGMQ_TRY_ASSIGN(ClusterInfo info, s.cluster_info());
  auto it = info.clusters.find(cluster);
  if (it == info.clusters.end()) {
    return make_error(Errc::not_found, fmt::format("namesrv: cluster [{}] not found", cluster));
  }
  std::vector<std::string> out;
  for (const auto& name : it->second) {
    auto b = info.brokers.find(name);
    if (b == info.brokers.end()) continue;
    for (const auto& [id, addr] : b->second.broker_addrs) {
      if (!masters_only || id == client::kMasterId) out.push_back(addr);
    }
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> AdminSession::master_addrs_of_cluster(const std::string& cluster) {
  return addrs_of_cluster(*this, cluster, true);
}

Result<std::vector<std::string>> AdminSession::broker_addrs_of_cluster(const std::string& cluster) {
  return addrs_of_cluster(*this, cluster, false);
}

std::string AdminSession::broker_name_of(const std::string& addr) {
  auto info = cluster_info();
  if (!info.ok()) return addr;
  for (const auto& [name, b] : info->brokers) {
    for (const auto& [id, a] : b.broker_addrs) {
      if (a == addr) return name;
    }
  }
  return addr;
}

}  // namespace ringmq::cli
