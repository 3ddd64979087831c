#include "cli/broker_conf.h"

#include <fmt/format.h>

#include <charconv>
#include <functional>
#include <map>

#include "base/log.h"

namespace ringmq::cli {
namespace {

using broker::BrokerConfig;
using Setter = std::function<Status(BrokerConfig&, const std::string&)>;

template <typename Int>
Result<Int> parse_int(const std::string& key, const std::string& value) {
  Int out{};
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return make_error(Errc::invalid_argument, fmt::format("{}: '{}' is not an integer", key, value));
  }
  return out;
}

Result<bool> parse_bool(const std::string& key, const std::string& value) {
  if (value == "true" || value == "TRUE" || value == "True") return true;
  if (value == "false" || value == "FALSE" || value == "False") return false;
  return make_error(Errc::invalid_argument, fmt::format("{}: '{}' is not true or false", key, value));
}

template <typename Int, typename Field>
Setter int_setter(const char* key, Field field) {
  return [key, field](BrokerConfig& c, const std::string& v) -> Status {
    RINGMQ_TRY_ASSIGN(Int n, parse_int<Int>(key, v));
    c.*field = n;
    return {};
  };
}

std::vector<std::string> split_addrs(const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    const auto end = value.find(';', start);
    std::string part = value.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!part.empty()) out.push_back(part);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

const std::map<std::string, Setter>& setters() {
  static const std::map<std::string, Setter> table = {
      {"brokerClusterName", [](BrokerConfig& c, const std::string& v) -> Status { c.cluster_name = v; return {}; }},
      {"brokerName", [](BrokerConfig& c, const std::string& v) -> Status { c.broker_name = v; return {}; }},
      {"brokerId", int_setter<std::int64_t>("brokerId", &BrokerConfig::broker_id)},
      {"namesrvAddr", [](BrokerConfig& c, const std::string& v) -> Status { c.namesrv_addrs = split_addrs(v); return {}; }},
      {"listenPort", int_setter<std::uint16_t>("listenPort", &BrokerConfig::listen_port)},
      {"brokerIP1", [](BrokerConfig& c, const std::string& v) -> Status { c.advertised_ip = v; return {}; }},
      {"storePathRootDir", [](BrokerConfig& c, const std::string& v) -> Status { c.store_dir = v; return {}; }},
      {"flushDiskType",
       [](BrokerConfig& c, const std::string& v) -> Status {
         if (v == "ASYNC_FLUSH") c.flush_mode = broker::FlushMode::async_flush;
         else if (v == "SYNC_FLUSH") c.flush_mode = broker::FlushMode::sync_flush;
         else return make_error(Errc::invalid_argument, "flushDiskType: expected ASYNC_FLUSH or SYNC_FLUSH, got " + v);
         return {};
       }},
      {"brokerRole",
       [](BrokerConfig& c, const std::string& v) -> Status {
         if (v == "ASYNC_MASTER") c.role = broker::BrokerRole::async_master;
         else if (v == "SYNC_MASTER") c.role = broker::BrokerRole::sync_master;
         else if (v == "SLAVE") c.role = broker::BrokerRole::slave;
         else return make_error(Errc::invalid_argument, "brokerRole: expected ASYNC_MASTER, SYNC_MASTER or SLAVE, got " + v);
         return {};
       }},
      {"flushIntervalCommitLog", int_setter<std::int64_t>("flushIntervalCommitLog", &BrokerConfig::async_flush_interval_ms)},
      {"autoCreateTopicEnable",
       [](BrokerConfig& c, const std::string& v) -> Status {
         RINGMQ_TRY_ASSIGN(c.auto_create_topic, parse_bool("autoCreateTopicEnable", v));
         return {};
       }},
      {"fetchNamesrvAddrByAddressServer",
       [](BrokerConfig& c, const std::string& v) -> Status {
         RINGMQ_TRY_ASSIGN(c.fetch_namesrv_addr_by_address_server, parse_bool("fetchNamesrvAddrByAddressServer", v));
         return {};
       }},
      {"rmqAddressServerDomain", [](BrokerConfig& c, const std::string& v) -> Status { c.address_server_domain = v; return {}; }},
      {"rmqAddressServerSubGroup", [](BrokerConfig& c, const std::string& v) -> Status { c.address_server_subgroup = v; return {}; }},
      {"connectionsPerCore", int_setter<std::int64_t>("connectionsPerCore", &BrokerConfig::connections_per_core_max)},
      {"serverChannelMaxIdleTimeSeconds", int_setter<std::int64_t>("serverChannelMaxIdleTimeSeconds", &BrokerConfig::idle_timeout_s)},
      {"aclEnable",
       [](BrokerConfig& c, const std::string& v) -> Status {
         RINGMQ_TRY_ASSIGN(c.acl_enable, parse_bool("aclEnable", v));
         return {};
       }},
      {"enablePropertyFilter",
       [](BrokerConfig& c, const std::string& v) -> Status {
         RINGMQ_TRY_ASSIGN(c.enable_property_filter, parse_bool("enablePropertyFilter", v));
         return {};
       }},
      {"storeReplyMessageEnable",
       [](BrokerConfig& c, const std::string& v) -> Status {
         RINGMQ_TRY_ASSIGN(c.store_reply_message_enable, parse_bool("storeReplyMessageEnable", v));
         return {};
       }},
      {"defaultTopicQueueNums", int_setter<int>("defaultTopicQueueNums", &BrokerConfig::default_topic_queue_nums)},
      {"pageCacheKeepMb", int_setter<std::int64_t>("pageCacheKeepMb", &BrokerConfig::page_cache_keep_mb)},
      {"idlePollUs", int_setter<std::int64_t>("idlePollUs", &BrokerConfig::idle_poll_us)},
      {"mapedFileSizeCommitLog", int_setter<std::size_t>("mapedFileSizeCommitLog", &BrokerConfig::commit_log_segment_bytes)},
      {"mappedFileSizeCommitLog", int_setter<std::size_t>("mappedFileSizeCommitLog", &BrokerConfig::commit_log_segment_bytes)},
      {"fileReservedTime", int_setter<int>("fileReservedTime", &BrokerConfig::retention_hours)},
      {"diskMaxUsedSpaceRatio", int_setter<int>("diskMaxUsedSpaceRatio", &BrokerConfig::disk_max_used_percent)},
      {"diskSpaceCleanForciblyRatio",
       int_setter<int>("diskSpaceCleanForciblyRatio", &BrokerConfig::disk_clean_forcibly_percent)},
      {"diskSpaceWarningLevelRatio", int_setter<int>("diskSpaceWarningLevelRatio", &BrokerConfig::disk_warning_percent)},
      {"deleteWhen", [](BrokerConfig& c, const std::string& v) -> Status { c.delete_when = v; return {}; }},
      {"haListenPort", int_setter<int>("haListenPort", &BrokerConfig::ha_listen_port)},
      {"haMasterAddress", [](BrokerConfig& c, const std::string& v) -> Status { c.ha_master_address = v; return {}; }},
      {"haSlaveFallbehindMax", int_setter<std::int64_t>("haSlaveFallbehindMax", &BrokerConfig::ha_slave_fallbehind_max)},
      {"slaveReadEnable",
       [](BrokerConfig& c, const std::string& v) -> Status {
         RINGMQ_TRY_ASSIGN(c.slave_read_enable, parse_bool("slaveReadEnable", v));
         return {};
       }},
      {"accessMessageInMemoryMaxRatio",
       int_setter<int>("accessMessageInMemoryMaxRatio", &BrokerConfig::access_message_in_memory_max_ratio)},
      {"syncFlushTimeout", int_setter<std::int64_t>("syncFlushTimeout", &BrokerConfig::sync_flush_timeout_ms)},
      {"maxMessageSize", int_setter<std::size_t>("maxMessageSize", &BrokerConfig::max_message_bytes)},
      {"messageDelayLevel", [](BrokerConfig& c, const std::string& v) -> Status { c.delay_levels = v; return {}; }},
      {"registerNameServerPeriod", int_setter<int>("registerNameServerPeriod", &BrokerConfig::register_period_ms)},
      {"channelExpiredTimeout", int_setter<std::int64_t>("channelExpiredTimeout", &BrokerConfig::channel_expired_timeout_ms)},
      {"shortPollingTimeMills", int_setter<std::int64_t>("shortPollingTimeMills", &BrokerConfig::short_polling_time_ms)},
      {"transactionTimeOut", int_setter<std::int64_t>("transactionTimeOut", &BrokerConfig::transaction_timeout_ms)},
      {"transactionCheckInterval",
       int_setter<std::int64_t>("transactionCheckInterval", &BrokerConfig::transaction_check_interval_ms)},
      {"transactionCheckMax", int_setter<std::int32_t>("transactionCheckMax", &BrokerConfig::transaction_check_max)},
  };
  return table;
}

}  // namespace

Status apply_broker_conf(const Properties& props, const std::set<std::string>& set_by_flags,
                         broker::BrokerConfig& config) {
  for (const auto& [key, value] : props) {
    const auto it = setters().find(key);
    if (it == setters().end()) {
      log_info("broker.conf: '{}' is not a ringmq setting; ignored", key);
      continue;
    }
    if (set_by_flags.count(key) != 0) continue;
    RINGMQ_TRY(it->second(config, value));
  }
  return {};
}

}  // namespace ringmq::cli
