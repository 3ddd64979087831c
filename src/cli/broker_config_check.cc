#include "cli/broker_config_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string_view>

#include "broker/transaction/transactional_message_util.h"
#include "reactor/limits.h"
#include "store/types.h"

namespace ringmq::cli {
namespace {

// One checked setting: its broker.conf key and its flag (empty if none).
struct Key {
  const char* conf;
  const char* flag;
};

std::string name_of(const Key& k) {
  return *k.flag != '\0' ? fmt::format("{} ({})", k.conf, k.flag) : std::string(k.conf);
}

Status in_range(const Key& k, std::int64_t v, std::int64_t lo, std::int64_t hi) {
  if (v >= lo && v <= hi) return {};
  return make_error(Errc::invalid_argument, fmt::format("{} = {}: allowed range is [{}, {}]", name_of(k), v, lo, hi));
}

// deleteWhen: hours of day separated by ';' ("04", "04;16"), each 0..23.
Status check_delete_when(const Key& k, std::string_view v) {
  auto bad = [&k, whole = v] {
    return make_error(Errc::invalid_argument, fmt::format("{} = '{}': expected hours of day 00-23 separated by ';', "
                                                          "e.g. 04 or 04;16", name_of(k), whole));
  };
  if (v.empty()) return bad();
  while (true) {
    const std::size_t semi = v.find(';');
    const std::string_view part = v.substr(0, semi);
    int hour = -1;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), hour);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() || hour < 0 || hour > 23) return bad();
    if (semi == std::string_view::npos) return {};
    v.remove_prefix(semi + 1);
  }
}

Status check_sizes(const broker::BrokerConfig& c) {
  const Key segment{"mapedFileSizeCommitLog", "--segment-bytes"};
  const Key message{"maxMessageSize", "--max-message-bytes"};
  const auto segment_bytes = static_cast<std::int64_t>(std::min<std::size_t>(c.commit_log_segment_bytes, INT64_MAX));
  const auto message_bytes = static_cast<std::int64_t>(std::min<std::size_t>(c.max_message_bytes, INT64_MAX));
  RINGMQ_TRY(in_range(segment, segment_bytes, kSegmentBytesMin, kSegmentBytesMax));
  RINGMQ_TRY(in_range(message, message_bytes, 1, kMessageBytesLimit));
  RINGMQ_TRY(in_range({"pageCacheKeepMb", "--page-cache-keep-mb"}, c.page_cache_keep_mb, 0, kPageCacheKeepMbMax));
  RINGMQ_TRY(in_range({"idlePollUs", "--idle-poll-us"}, c.idle_poll_us, 0, reactor::kIdlePollNsMax / 1000));
  // A largest message with its record headers must fit one segment.
  if (message_bytes + kRecordOverheadBytesMin <= segment_bytes) return {};
  return make_error(Errc::invalid_argument,
                    fmt::format("{} = {}: allowed range is [1, {}] ({} = {} minus {} bytes of record headers)",
                                name_of(message), message_bytes, segment_bytes - kRecordOverheadBytesMin, name_of(segment),
                                segment_bytes, kRecordOverheadBytesMin));
}

Status check_disk(const broker::BrokerConfig& c) {
  const Key max_used{"diskMaxUsedSpaceRatio", "--disk-max-used-ratio"};
  const Key forcibly{"diskSpaceCleanForciblyRatio", "--disk-clean-forcibly-ratio"};
  const Key warning{"diskSpaceWarningLevelRatio", "--disk-warning-ratio"};
  RINGMQ_TRY(in_range({"fileReservedTime", "--retention-hours"}, c.retention_hours, 0, kRetentionHoursMax));
  RINGMQ_TRY(in_range(max_used, c.disk_max_used_percent, kDiskRatioMin, kDiskRatioMax));
  RINGMQ_TRY(in_range(forcibly, c.disk_clean_forcibly_percent, kDiskRatioMin, kDiskRatioMax));
  RINGMQ_TRY(in_range(warning, c.disk_warning_percent, kDiskRatioMin, kDiskWarningRatioMax));
  return check_delete_when({"deleteWhen", "--delete-when"}, c.delete_when);
}

Status check_timing(const broker::BrokerConfig& c) {
  RINGMQ_TRY(in_range({"syncFlushTimeout", "--sync-flush-timeout"}, c.sync_flush_timeout_ms, 1, kIntervalMsMax));
  RINGMQ_TRY(in_range({"flushIntervalCommitLog", "--flush-interval"}, c.async_flush_interval_ms, 1, kIntervalMsMax));
  RINGMQ_TRY(in_range({"registerNameServerPeriod", ""}, c.register_period_ms, 1000, kIntervalMsMax));
  RINGMQ_TRY(in_range({"channelExpiredTimeout", ""}, c.channel_expired_timeout_ms, 1000, kIntervalMsMax));
  RINGMQ_TRY(in_range({"transactionTimeOut", "--transaction-timeout"}, c.transaction_timeout_ms, 0, kIntervalMsMax));
  RINGMQ_TRY(in_range({"transactionCheckInterval", "--transaction-check-interval"}, c.transaction_check_interval_ms,
                      1, kIntervalMsMax));
  RINGMQ_TRY(in_range({"transactionCheckMax", "--transaction-check-max"}, c.transaction_check_max, 1,
                      broker::transaction::kTransactionCheckMaxLimit));
  return in_range({"shortPollingTimeMills", ""}, c.short_polling_time_ms, 1, kIntervalMsMax);
}

// Replication keys (issue 14). RocketMQ forces a master's id to 0 and stops a slave whose id is 0.
Status check_replication(const broker::BrokerConfig& c) {
  RINGMQ_TRY(in_range({"haListenPort", "--ha-listen-port"}, c.ha_listen_port, -1, 65535));
  RINGMQ_TRY(in_range({"accessMessageInMemoryMaxRatio", "--access-message-in-memory-max-ratio"},
                      c.access_message_in_memory_max_ratio, 0, 100));
  RINGMQ_TRY(in_range({"haSlaveFallbehindMax", "--ha-slave-fallbehind-max"}, c.ha_slave_fallbehind_max,
                      std::int64_t{1}, std::int64_t{1} << 40));
  if (c.role == broker::BrokerRole::slave && c.broker_id == 0)
    return make_error(Errc::invalid_argument, "brokerId (--broker-id) = 0: a SLAVE needs an id in [1, 9223372036854775807]");
  if (!c.ha_master_address.empty()) {
    const auto colon = c.ha_master_address.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == c.ha_master_address.size())
      return make_error(Errc::invalid_argument,
                        fmt::format("haMasterAddress (--ha-master-address) = '{}': expected host:port", c.ha_master_address));
  }
  return {};
}

}  // namespace

Status validate_broker_config(const broker::BrokerConfig& c) {
  RINGMQ_TRY(check_sizes(c));
  RINGMQ_TRY(check_disk(c));
  RINGMQ_TRY(check_timing(c));
  RINGMQ_TRY(in_range({"brokerId", "--broker-id"}, c.broker_id, 0, INT64_MAX));
  RINGMQ_TRY(check_replication(c));
  RINGMQ_TRY(in_range({"defaultTopicQueueNums", ""}, c.default_topic_queue_nums, 1, kQueueNumsMax));
  RINGMQ_TRY(in_range({"cores", "--cores"}, c.cores, 0, store::kShardsMax));
  RINGMQ_TRY(in_range({"addressServerInterval", "--address-server-interval"}, c.address_server_interval_ms, 100,
                      kIntervalMsMax));
  if (c.fetch_namesrv_addr_by_address_server && c.address_server_domain.empty()) {
    return make_error(Errc::invalid_argument, "rmqAddressServerDomain (--address-server-domain) = '': must not be empty");
  }
  RINGMQ_TRY(in_range({"connectionsPerCore", "--connections-per-core"}, c.connections_per_core_max, 1,
                      static_cast<std::int64_t>(reactor::kConnectionsPerCoreLimit)));
  if (c.broker_name.empty()) return make_error(Errc::invalid_argument, "brokerName (--broker-name) = '': must not be empty");
  if (c.cluster_name.empty()) return make_error(Errc::invalid_argument, "brokerClusterName (--cluster) = '': must not be empty");
  if (c.store_dir.empty()) return make_error(Errc::invalid_argument, "storePathRootDir (--store) = '': must not be empty");
  return {};
}

}  // namespace ringmq::cli
