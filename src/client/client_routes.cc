// ClientInstance: the route cache and heartbeats.
#include <fmt/format.h>

#include "base/log.h"
#include "client/client_instance.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::client {

namespace request_code = remoting::request_code;
namespace response_code = remoting::response_code;
using remoting::RemotingCommand;

Result<TopicRouteData> ClientInstance::update_route(const std::string& topic) {
  auto request = RemotingCommand::request(request_code::kGetRouteinfoByTopic, serialize_type());
  request.ext_fields.append("topic", topic);
  request.has_ext_fields = true;
  RINGMQ_TRY_ASSIGN(RemotingCommand response, invoke_namesrv(std::move(request), kDefaultCallTimeoutMs));
  if (response.code == response_code::kTopicNotExist)
    return make_error(Errc::not_found, fmt::format("no route for topic {}", topic));
  if (response.code != response_code::kSuccess)
    return make_error(Errc::io, fmt::format("route of {}: NameServer answered code {} ({})", topic, response.code,
                                            response.remark.value_or("")));
  RINGMQ_TRY_ASSIGN(TopicRouteData route, protocol::decode_topic_route_data(response.body));
  std::lock_guard lock(routes_mutex_);
  routes_[topic] = route;
  return route;
}

Result<TopicRouteData> ClientInstance::route(const std::string& topic) {
  if (auto cached = cached_route(topic)) return std::move(*cached);
  return update_route(topic);
}

std::optional<TopicRouteData> ClientInstance::cached_route(const std::string& topic) const {
  std::lock_guard lock(routes_mutex_);
  auto it = routes_.find(topic);
  if (it == routes_.end()) return std::nullopt;
  return it->second;
}

void ClientInstance::refresh_routes() {
  std::vector<std::string> topics;
  {
    std::lock_guard lock(routes_mutex_);
    for (const auto& [topic, route] : routes_) topics.push_back(topic);
  }
  for (const auto& topic : topics) {
    auto updated = update_route(topic);
    if (!updated && updated.error().code != Errc::not_found)
      log_debug("route refresh of {} failed: {}", topic, updated.error().to_string());
  }
}

void ClientInstance::register_producer(const std::string& group) {
  std::lock_guard lock(registry_mutex_);
  for (const auto& g : producer_groups_)
    if (g == group) return;
  producer_groups_.push_back(group);
}

void ClientInstance::unregister_producer(const std::string& group) {
  std::lock_guard lock(registry_mutex_);
  std::erase(producer_groups_, group);
}

void ClientInstance::register_consumer(const std::string& group, ConsumerDataFn data) {
  std::lock_guard lock(registry_mutex_);
  consumers_[group] = std::move(data);
}

void ClientInstance::unregister_consumer(const std::string& group) {
  std::lock_guard lock(registry_mutex_);
  consumers_.erase(group);
}

std::vector<std::string> ClientInstance::heartbeat_targets() const {
  bool has_consumers;
  {
    std::lock_guard lock(registry_mutex_);
    has_consumers = !consumers_.empty();
  }
  std::vector<std::string> out;
  std::lock_guard lock(routes_mutex_);
  for (const auto& [topic, route] : routes_) {
    for (const auto& broker : route.broker_datas) {
      for (const auto& [id, addr] : broker.broker_addrs) {
        if (id != kMasterId && !has_consumers) continue;
        if (std::find(out.begin(), out.end(), addr) == out.end()) out.push_back(addr);
      }
    }
  }
  return out;
}

Status ClientInstance::send_heartbeat_to_all_brokers() {
  HeartbeatData heartbeat;
  heartbeat.client_id = client_id_;
  {
    std::lock_guard lock(registry_mutex_);
    heartbeat.producer_groups = producer_groups_;
    for (const auto& [group, fn] : consumers_) heartbeat.consumers.push_back(fn());
  }
  if (heartbeat.producer_groups.empty() && heartbeat.consumers.empty()) return {};
  const std::string body = encode_heartbeat(heartbeat);
  Status outcome;
  bool any_ok = false;
  for (const auto& addr : heartbeat_targets()) {
    auto request = RemotingCommand::request(request_code::kHeartBeat, serialize_type());
    request.body = body;
    auto response = invoke_sync(addr, std::move(request), kDefaultCallTimeoutMs);
    if (response && response->code == response_code::kSuccess) {
      any_ok = true;
      continue;
    }
    Error error = response ? make_error(Errc::io, fmt::format("heartbeat to {}: code {}", addr, response->code))
                           : response.take_error();
    log_debug("heartbeat to {} failed: {}", addr, error.to_string());
    outcome = std::move(error);
  }
  if (any_ok) return {};
  return outcome;
}

}  // namespace ringmq::client
