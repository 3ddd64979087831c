#include "namesrv/namesrv_processor.h"

#include <fmt/format.h>

#include "base/hash.h"
#include "base/log.h"
#include "namesrv/namesrv_codes.h"
#include "namesrv/route_json.h"

namespace ringmq::namesrv {
namespace {

using remoting::ExtFields;
using remoting::RemotingCommand;

// Java's remark for an unknown topic, FAQ link included: clients print it as is.
constexpr std::string_view kTopicNotExistFaq = "\nSee http://rocketmq.apache.org/docs/faq/ for further details.";

// A required (@CFNotNull) header field, worded as Java's RemotingCommandException. Empty values are
// refused too: an empty broker name or address would only poison the tables.
Result<std::string_view> required(const ExtFields& fields, std::string_view key) {
  const auto value = fields.get(key);
  if (!value) return make_error(Errc::malformed, fmt::format("the custom field <{}> is null", key));
  if (value->empty()) return make_error(Errc::malformed, fmt::format("the custom field <{}> is empty", key));
  return *value;
}

Result<std::int64_t> required_int64(const ExtFields& fields, std::string_view key) {
  RINGMQ_TRY(required(fields, key));
  return fields.get_int64(key);
}

RemotingCommand success(const RemotingCommand& request) {
  return RemotingCommand::response_to(request, response_code::kSuccess);
}

// Responses built from a Java response-header class carry extFields even when it is empty.
RemotingCommand success_with_header(const RemotingCommand& request) {
  RemotingCommand response = success(request);
  response.has_ext_fields = true;
  return response;
}

// The broker identity every broker-to-namesrv header carries.
struct BrokerIdentity {
  std::string_view cluster_name;
  std::string_view broker_addr;
  std::string_view broker_name;
  std::int64_t broker_id = 0;
};

Result<BrokerIdentity> broker_identity(const ExtFields& fields, bool id_required) {
  BrokerIdentity id;
  RINGMQ_TRY_ASSIGN(id.cluster_name, required(fields, "clusterName"));
  RINGMQ_TRY_ASSIGN(id.broker_addr, required(fields, "brokerAddr"));
  RINGMQ_TRY_ASSIGN(id.broker_name, required(fields, "brokerName"));
  if (id_required) {
    RINGMQ_TRY_ASSIGN(id.broker_id, required_int64(fields, "brokerId"));
  } else {
    RINGMQ_TRY_ASSIGN(id.broker_id, fields.get_int64_or("brokerId", kMasterId));
  }
  if (id.broker_id < 0) return make_error(Errc::malformed, fmt::format("brokerId {} is negative", id.broker_id));
  return id;
}

Result<RemotingCommand> get_route_info_by_topic(const RemotingCommand& request, const RouteTables& tables,
                                                const NamesrvConfig& config, const KvConfigManager* kv) {
  RINGMQ_TRY_ASSIGN(const std::string_view topic, required(request.ext_fields, "topic"));
  const bool standard_only = request.ext_fields.get_bool_or("acceptStandardJsonOnly", false);
  const RouteJsonStyle style = request.version >= kVersionV4_9_4 || standard_only
                                   ? RouteJsonStyle::standard
                                   : RouteJsonStyle::fastjson_legacy;
  const std::string* order_conf = nullptr;
  if (config.order_message_enable && kv != nullptr) order_conf = kv->get(kNamespaceOrderTopicConfig, topic);
  RemotingCommand response = success(request);
  if (!encode_topic_route_data(tables, topic, style, order_conf, response.body)) {
    return RemotingCommand::response_to(
        request, response_code::kTopicNotExist,
        fmt::format("No topic route info in name server for the topic: {}{}", topic, kTopicNotExistFaq));
  }
  return response;
}

Result<RemotingCommand> route_query(const RemotingCommand& request, const RouteTables& tables,
                                    const NamesrvConfig& config, const KvConfigManager* kv) {
  RemotingCommand response = success(request);
  switch (request.code) {
    case request_code::kGetRouteinfoByTopic:
      return get_route_info_by_topic(request, tables, config, kv);
    case request_code::kGetBrokerClusterInfo:
      response.body = encode_cluster_info(tables);
      return response;
    case request_code::kGetAllTopicListFromNameserver:
      if (!config.enable_all_topic_list) return RemotingCommand::response_to(request, response_code::kSystemError, "disable");
      response.body = encode_topic_list(tables.all_topics());
      return response;
    case request_code::kGetTopicsByCluster: {
      RINGMQ_TRY_ASSIGN(const std::string_view cluster, required(request.ext_fields, "cluster"));
      response.body = encode_topic_list(tables.topics_by_cluster(cluster));
      return response;
    }
    case request_code::kGetSystemTopicListFromNs: {
      std::string broker_addr;
      const std::vector<std::string> names = tables.system_topics(&broker_addr);
      response.body = encode_topic_list(names, broker_addr);
      return response;
    }
    case request_code::kGetUnitTopicList:
      response.body = encode_topic_list(
          tables.topics_by_sys_flag([](std::int32_t f) { return (f & protocol::kTopicSysFlagUnit) != 0; }));
      return response;
    case request_code::kGetHasUnitSubTopicList:
      response.body = encode_topic_list(
          tables.topics_by_sys_flag([](std::int32_t f) { return (f & protocol::kTopicSysFlagUnitSub) != 0; }));
      return response;
    case request_code::kGetHasUnitSubUnunitTopicList:
      response.body = encode_topic_list(tables.topics_by_sys_flag([](std::int32_t f) {
        return (f & protocol::kTopicSysFlagUnit) == 0 && (f & protocol::kTopicSysFlagUnitSub) != 0;
      }));
      return response;
    default:
      return make_error(Errc::unsupported, fmt::format("request code {} is not a route query", request.code));
  }
}

RemotingCommand error_response(const RemotingCommand& request, const Error& error) {
  return RemotingCommand::response_to(request, response_code::kSystemError, error.detail);
}

}  // namespace

NamesrvProcessor::NamesrvProcessor(NamesrvConfig config)
    : config_(config), route_info_manager_(config.broker_timeout_ms) {}

bool NamesrvProcessor::is_route_query(std::int32_t code) {
  switch (code) {
    case request_code::kGetRouteinfoByTopic:
    case request_code::kGetBrokerClusterInfo:
    case request_code::kGetAllTopicListFromNameserver:
    case request_code::kGetTopicsByCluster:
    case request_code::kGetSystemTopicListFromNs:
    case request_code::kGetUnitTopicList:
    case request_code::kGetHasUnitSubTopicList:
    case request_code::kGetHasUnitSubUnunitTopicList:
      return true;
    default:
      return false;
  }
}

bool NamesrvProcessor::handles(std::int32_t code) {
  switch (code) {
    case request_code::kPutKvConfig:
    case request_code::kGetKvConfig:
    case request_code::kDeleteKvConfig:
    case request_code::kGetKvlistByNamespace:
    case request_code::kRegisterBroker:
    case request_code::kUnregisterBroker:
    case request_code::kQueryDataVersion:
    case request_code::kBrokerHeartbeat:
    case request_code::kWipeWritePermOfBroker:
    case request_code::kAddWritePermOfBroker:
    case request_code::kDeleteTopicInNamesrv:
      return true;
    default:
      return is_route_query(code);
  }
}

const std::vector<std::int32_t>& NamesrvProcessor::handled_codes() {
  // Derived from handles() so the switch above stays the one list. NameServer codes are below
  // 1000 (the highest is BROKER_HEARTBEAT, 904).
  static const std::vector<std::int32_t> codes = [] {
    constexpr std::int32_t kNamesrvCodeLimit = 1000;
    std::vector<std::int32_t> out;
    for (std::int32_t code = 0; code < kNamesrvCodeLimit; ++code) {
      if (handles(code)) out.push_back(code);
    }
    return out;
  }();
  return codes;
}

RemotingCommand NamesrvProcessor::process(const RemotingCommand& request, ConnectionId connection,
                                          std::int64_t now_ms) {
  Result<RemotingCommand> response = dispatch(request, connection, now_ms);
  if (response.ok()) return std::move(response).value();
  log_warn("namesrv: request code {} (opaque {}, connection {}) failed: {}", request.code, request.opaque,
           connection, response.error().to_string());
  return error_response(request, response.error());
}

RemotingCommand NamesrvProcessor::process_route_query(const RemotingCommand& request, const RouteTables& tables,
                                                      const NamesrvConfig& config, const KvConfigManager* kv) {
  Result<RemotingCommand> response = route_query(request, tables, config, kv);
  return response.ok() ? std::move(response).value() : error_response(request, response.error());
}

Result<RemotingCommand> NamesrvProcessor::dispatch(const RemotingCommand& request, ConnectionId connection,
                                                   std::int64_t now_ms) {
  if (is_route_query(request.code)) {
    return route_query(request, route_info_manager_.tables(), config_, &kv_config_manager_);
  }
  switch (request.code) {
    case request_code::kRegisterBroker: return register_broker(request, connection, now_ms);
    case request_code::kUnregisterBroker: return unregister_broker(request);
    case request_code::kQueryDataVersion: return query_data_version(request, now_ms);
    case request_code::kBrokerHeartbeat: return broker_heartbeat(request, now_ms);
    case request_code::kDeleteTopicInNamesrv: return delete_topic_in_namesrv(request);
    case request_code::kWipeWritePermOfBroker: return operate_write_perm(request, false);
    case request_code::kAddWritePermOfBroker: return operate_write_perm(request, true);
    case request_code::kPutKvConfig: return put_kv_config(request);
    case request_code::kGetKvConfig: return get_kv_config(request);
    case request_code::kDeleteKvConfig: return delete_kv_config(request);
    case request_code::kGetKvlistByNamespace: return get_kvlist_by_namespace(request);
    default:
      return RemotingCommand::response_to(request, response_code::kRequestCodeNotSupported,
                                          fmt::format(" request type {} not supported", request.code));
  }
}

Result<RemotingCommand> NamesrvProcessor::register_broker(const RemotingCommand& request, ConnectionId connection,
                                                          std::int64_t now_ms) {
  const ExtFields& fields = request.ext_fields;
  RINGMQ_TRY_ASSIGN(const BrokerIdentity id, broker_identity(fields, true));
  RINGMQ_TRY_ASSIGN(const std::string_view ha_server_addr, required(fields, "haServerAddr"));
  RINGMQ_TRY_ASSIGN(const std::int32_t body_crc32, fields.get_int32_or("bodyCrc32", 0));
  RINGMQ_TRY_ASSIGN(const std::int64_t timeout_ms, fields.get_int64_or("heartbeatTimeoutMillis", 0));
  const bool compressed = fields.get_bool_or("compressed", false);

  // bodyCrc32 is CRC32(body) & 0x7FFFFFFF (UtilAll.crc32); 0 means "not sent".
  if (body_crc32 != 0) {
    const auto actual = static_cast<std::int32_t>(crc32(request.body) & 0x7FFFFFFFu);
    if (actual != body_crc32) {
      log_warn("namesrv: REGISTER_BROKER from {} ({}): crc32 not match (header {}, body {})", id.broker_name,
               id.broker_addr, body_crc32, actual);
      return RemotingCommand::response_to(request, response_code::kSystemError, "crc32 not match");
    }
  }
  Result<RegisterBrokerBody> body = protocol::decode_register_broker_body(request.body, compressed);
  if (!body.ok()) {
    return make_error(Errc::malformed, fmt::format("Failed to decode RegisterBrokerBody: {}", body.error().detail));
  }
  BrokerRegistration reg{std::string(id.cluster_name), std::string(id.broker_addr), std::string(id.broker_name),
                         id.broker_id, std::string(ha_server_addr), std::nullopt};
  if (timeout_ms > 0) reg.heartbeat_timeout_ms = timeout_ms;
  const RegisterBrokerResult result = route_info_manager_.register_broker(reg, *body, connection, now_ms);

  RemotingCommand response = success_with_header(request);
  if (!result.ha_server_addr.empty()) response.ext_fields.set("haServerAddr", result.ha_server_addr);
  if (!result.master_addr.empty()) response.ext_fields.set("masterAddr", result.master_addr);
  if (config_.return_order_topic_config_to_broker) {
    if (const auto* table = kv_config_manager_.namespace_table(kNamespaceOrderTopicConfig); table != nullptr) {
      response.body = encode_kv_table(*table);
    }
  }
  return response;
}

Result<RemotingCommand> NamesrvProcessor::unregister_broker(const RemotingCommand& request) {
  RINGMQ_TRY_ASSIGN(const BrokerIdentity id, broker_identity(request.ext_fields, true));
  route_info_manager_.unregister_broker(id.cluster_name, id.broker_addr, id.broker_name, id.broker_id);
  return success(request);
}

Result<RemotingCommand> NamesrvProcessor::query_data_version(const RemotingCommand& request, std::int64_t now_ms) {
  RINGMQ_TRY_ASSIGN(const BrokerIdentity id, broker_identity(request.ext_fields, true));
  Result<DataVersion> version = protocol::decode_data_version(request.body);
  if (!version.ok()) return make_error(Errc::malformed, fmt::format("bad DataVersion body: {}", version.error().detail));
  const bool changed = route_info_manager_.is_broker_topic_config_changed(id.broker_addr, *version);
  // As 4.9: an unchanged broker counts as alive; a changed one registers right after anyway.
  if (!changed) route_info_manager_.update_broker_info_update_timestamp(id.broker_addr, now_ms);

  RemotingCommand response = success_with_header(request);
  response.ext_fields.set_bool("changed", changed);
  if (const DataVersion* stored = route_info_manager_.query_broker_topic_config(id.broker_addr); stored != nullptr) {
    response.body = protocol::encode_data_version(*stored);
  }
  return response;
}

Result<RemotingCommand> NamesrvProcessor::broker_heartbeat(const RemotingCommand& request, std::int64_t now_ms) {
  RINGMQ_TRY_ASSIGN(const BrokerIdentity id, broker_identity(request.ext_fields, false));
  if (!route_info_manager_.update_broker_info_update_timestamp(id.broker_addr, now_ms)) {
    log_debug("namesrv: heartbeat from unregistered broker {} ({})", id.broker_name, id.broker_addr);
  }
  return success(request);
}

Result<RemotingCommand> NamesrvProcessor::delete_topic_in_namesrv(const RemotingCommand& request) {
  RINGMQ_TRY_ASSIGN(const std::string_view topic, required(request.ext_fields, "topic"));
  const std::string_view cluster = request.ext_fields.get("clusterName").value_or(std::string_view());
  if (cluster.empty()) {
    route_info_manager_.delete_topic(topic);
  } else {
    route_info_manager_.delete_topic(topic, cluster);
  }
  log_info("namesrv: topic {} deleted{}{}", topic, cluster.empty() ? "" : " from cluster ", cluster);
  return success(request);
}

Result<RemotingCommand> NamesrvProcessor::operate_write_perm(const RemotingCommand& request, bool add) {
  RINGMQ_TRY_ASSIGN(const std::string_view broker_name, required(request.ext_fields, "brokerName"));
  const int count = add ? route_info_manager_.add_write_perm_of_broker(broker_name)
                        : route_info_manager_.wipe_write_perm_of_broker(broker_name);
  log_info("namesrv: {} write perm of broker {}: {} topics", add ? "added" : "wiped", broker_name, count);
  RemotingCommand response = success_with_header(request);
  response.ext_fields.set_int(add ? "addTopicCount" : "wipeTopicCount", count);
  return response;
}

Result<RemotingCommand> NamesrvProcessor::put_kv_config(const RemotingCommand& request) {
  RINGMQ_TRY_ASSIGN(const std::string_view ns, required(request.ext_fields, "namespace"));
  RINGMQ_TRY_ASSIGN(const std::string_view key, required(request.ext_fields, "key"));
  const auto value = request.ext_fields.get("value");
  if (!value) return make_error(Errc::malformed, "the custom field <value> is null");
  kv_config_manager_.put(ns, key, *value);
  return success(request);
}

Result<RemotingCommand> NamesrvProcessor::get_kv_config(const RemotingCommand& request) {
  RINGMQ_TRY_ASSIGN(const std::string_view ns, required(request.ext_fields, "namespace"));
  RINGMQ_TRY_ASSIGN(const std::string_view key, required(request.ext_fields, "key"));
  RemotingCommand response = success_with_header(request);
  if (const std::string* value = kv_config_manager_.get(ns, key); value != nullptr) {
    response.ext_fields.set("value", *value);
    return response;
  }
  response.code = response_code::kQueryNotFound;
  response.remark = fmt::format("No config item, Namespace: {} Key: {}", ns, key);
  return response;
}

Result<RemotingCommand> NamesrvProcessor::delete_kv_config(const RemotingCommand& request) {
  RINGMQ_TRY_ASSIGN(const std::string_view ns, required(request.ext_fields, "namespace"));
  RINGMQ_TRY_ASSIGN(const std::string_view key, required(request.ext_fields, "key"));
  kv_config_manager_.remove(ns, key);
  return success(request);
}

Result<RemotingCommand> NamesrvProcessor::get_kvlist_by_namespace(const RemotingCommand& request) {
  RINGMQ_TRY_ASSIGN(const std::string_view ns, required(request.ext_fields, "namespace"));
  const KvConfigManager::Table* table = kv_config_manager_.namespace_table(ns);
  if (table == nullptr) {
    return RemotingCommand::response_to(request, response_code::kQueryNotFound,
                                        fmt::format("No config item, Namespace: {}", ns));
  }
  RemotingCommand response = success(request);
  response.body = encode_kv_table(*table);
  return response;
}

std::vector<RemovedBroker> NamesrvProcessor::on_connection_closed(ConnectionId connection, std::int64_t now_ms) {
  return route_info_manager_.on_connection_closed(connection, now_ms);
}

std::vector<RemovedBroker> NamesrvProcessor::scan_not_active_brokers(std::int64_t now_ms) {
  return route_info_manager_.scan_not_active_brokers(now_ms);
}

}  // namespace ringmq::namesrv
