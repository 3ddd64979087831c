#include "cli/broker_flags.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "base/properties_file.h"
#include "broker/acl/acl_service.h"
#include "cli/broker_conf.h"
#include "cli/broker_config_check.h"

namespace ringmq::cli {

void add_broker_flags(CLI::App& app, BrokerFlags& f) {
  auto& c = f.config;
  auto add = [&f](CLI::Option* option, const char* key) { f.options_by_key.emplace_back(option, key); };
  app.add_option("-c,--config", f.conf_file, "RocketMQ-style broker.conf (brokerName, brokerId, flushDiskType, ...)");
  add(app.add_option("--namesrv", f.namesrv_list, "NameServer addresses, 'host:port;host:port' (default: $NAMESRV_ADDR)"),
      "namesrvAddr");
  add(app.add_option("--listen", f.listen, "address and port to serve clients on")->capture_default_str(), "listenPort");
  add(app.add_option("--advertise-ip", c.advertised_ip, "IP published to NameServers and in message ids (brokerIP1)"),
      "brokerIP1");
  add(app.add_option("--store", c.store_dir, "store root directory")->capture_default_str(), "storePathRootDir");
  add(app.add_option("--cluster", c.cluster_name, "cluster name")->capture_default_str(), "brokerClusterName");
  add(app.add_option("--broker-name", c.broker_name, "broker name")->capture_default_str(), "brokerName");
  add(app.add_option("--broker-id", c.broker_id, "0 = master, >0 = slave")->capture_default_str(), "brokerId");
  add(app.add_option("--role", f.role, "async_master | sync_master | slave")->capture_default_str(), "brokerRole");
  add(app.add_option("--ha-listen-port", c.ha_listen_port, "replication port of a master (-1 = listen port + 1)")
          ->capture_default_str(),
      "haListenPort");
  add(app.add_option("--ha-master-address", c.ha_master_address,
                     "a slave's master HA address host:port (empty = learn it from the NameServer)"),
      "haMasterAddress");
  add(app.add_option("--ha-slave-fallbehind-max", c.ha_slave_fallbehind_max,
                     "bytes a slave may lag and still count as in sync (SYNC_MASTER)")
          ->capture_default_str(),
      "haSlaveFallbehindMax");
  add(app.add_flag("--slave-read-enable", c.slave_read_enable,
                   "let pulls that lag far behind be redirected to a slave (suggestWhichBrokerId)"),
      "slaveReadEnable");
  add(app.add_option("--access-message-in-memory-max-ratio", c.access_message_in_memory_max_ratio,
                     "% of RAM a pull may lag behind the log end before it counts as lagging")
          ->capture_default_str(),
      "accessMessageInMemoryMaxRatio");
  add(app.add_option("--flush", f.flush, "async: ack after the page cache; sync: ack after fdatasync (group commit)")
          ->capture_default_str(),
      "flushDiskType");
  add(app.add_option("--sync-flush-timeout", c.sync_flush_timeout_ms, "ms before a sync send answers FLUSH_DISK_TIMEOUT")
          ->capture_default_str(),
      "syncFlushTimeout");
  add(app.add_option("--flush-interval", c.async_flush_interval_ms, "ms between flushes in async mode")->capture_default_str(),
      "flushIntervalCommitLog");
  add(app.add_option("--auto-create-topic", c.auto_create_topic, "create topics on first send (TBW102)")
          ->capture_default_str(),
      "autoCreateTopicEnable");
  add(app.add_option("--segment-bytes", c.commit_log_segment_bytes, "CommitLog segment size")->capture_default_str(),
      "mapedFileSizeCommitLog");
  add(app.add_option("--page-cache-keep-mb", c.page_cache_keep_mb,
                     "MiB of synced CommitLog kept in the page cache per shard behind the durable end; older pages "
                     "are dropped (0 = leave it to the kernel)")
          ->capture_default_str(),
      "pageCacheKeepMb");
  add(app.add_option("--retention-hours", c.retention_hours, "delete CommitLog segments older than this")
          ->capture_default_str(),
      "fileReservedTime");
  add(app.add_option("--delete-when", c.delete_when, "hours of day expired segments are deleted at, '04' or '04;16'")
          ->capture_default_str(),
      "deleteWhen");
  add(app.add_option("--disk-max-used-ratio", c.disk_max_used_percent,
                     "disk usage (%) from which expired segments are deleted at any hour")
          ->capture_default_str(),
      "diskMaxUsedSpaceRatio");
  add(app.add_option("--disk-clean-forcibly-ratio", c.disk_clean_forcibly_percent,
                     "disk usage (%) from which the oldest segments are deleted even if not expired")
          ->capture_default_str(),
      "diskSpaceCleanForciblyRatio");
  add(app.add_option("--disk-warning-ratio", c.disk_warning_percent,
                     "disk usage (%) from which sends are refused (SERVICE_NOT_AVAILABLE) until space is back")
          ->capture_default_str(),
      "diskSpaceWarningLevelRatio");
  add(app.add_option("--max-message-bytes", c.max_message_bytes, "largest message body accepted")->capture_default_str(),
      "maxMessageSize");
  add(app.add_option("--delay-levels", c.delay_levels, "delay levels of delayed and retried messages")
          ->capture_default_str(),
      "messageDelayLevel");
  app.add_option("--connections-per-ip", c.connections_per_ip_max,
                 "connections each core accepts from one remote IP; more are closed at once")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  add(app.add_flag("--fetch-namesrv-addr", c.fetch_namesrv_addr_by_address_server,
                   "with no --namesrv nor $NAMESRV_ADDR: fetch the NameServer list from the address server"),
      "fetchNamesrvAddrByAddressServer");
  add(app.add_option("--address-server-domain", c.address_server_domain,
                     "address server host[:port] (http://host:8080/rocketmq/<subgroup> without a port)")
          ->capture_default_str(),
      "rmqAddressServerDomain");
  add(app.add_option("--address-server-subgroup", c.address_server_subgroup, "address server path: /rocketmq/<subgroup>")
          ->capture_default_str(),
      "rmqAddressServerSubGroup");
  app.add_option("--address-server-interval", c.address_server_interval_ms, "ms between address server fetches")
      ->capture_default_str();
  add(app.add_option("--connections-per-core", c.connections_per_core_max,
                     "open connections each core holds (accepted and outgoing); more are closed at once")
          ->capture_default_str(),
      "connectionsPerCore");
  add(app.add_option("--idle-timeout", c.idle_timeout_s, "seconds without a whole frame before a connection is closed (0 = never)")
          ->capture_default_str()->check(CLI::Range(std::int64_t{0}, std::int64_t{86400})),
      "serverChannelMaxIdleTimeSeconds");
  add(app.add_option("--transaction-timeout", c.transaction_timeout_ms,
                     "ms a half message waits for its producer's decision before the broker asks")
          ->capture_default_str(),
      "transactionTimeOut");
  add(app.add_option("--transaction-check-interval", c.transaction_check_interval_ms,
                     "ms between the broker's checks of undecided half messages")
          ->capture_default_str(),
      "transactionCheckInterval");
  add(app.add_option("--transaction-check-max", c.transaction_check_max,
                     "checks of one half message before it is discarded (to TRANS_CHECK_MAX_TIME_TOPIC)")
          ->capture_default_str(),
      "transactionCheckMax");
  add(app.add_flag("--acl-enable", c.acl_enable, "check every request against plain_acl.yml (ACL 1.0)"), "aclEnable");
  add(app.add_flag("--enable-property-filter", c.enable_property_filter, "accept SQL92 subscriptions and filter pulls by message properties"),
      "enablePropertyFilter");
  add(app.add_option("--store-reply-message", c.store_reply_message_enable, "also store request-reply replies in <cluster>_REPLY_TOPIC")
          ->capture_default_str(),
      "storeReplyMessageEnable");
  app.add_option("--acl-file", c.acl_file, "plain_acl.yml to use (default: $ROCKETMQ_HOME/conf/plain_acl.yml)");
  app.add_option("--zerocopy-send-bytes", c.zerocopy_send_min_bytes,
                 "pull replies carrying at least this many message bytes are sent zero-copy (0 = never)")
      ->capture_default_str();
  add(app.add_option("--idle-poll-us", c.idle_poll_us,
                     "microseconds a core polls for work before sleeping: fewer wake-ups with one request in "
                     "flight, at the price of CPU; pauses while other threads want the CPU (0 = off)")
          ->capture_default_str(),
      "idlePollUs");
  app.add_option("--cores", c.cores, "reactor threads, one per core (0 = from the machine: 1 on 1-2 CPUs, CPUs - 1 above)")->capture_default_str();
  app.add_option("--metrics-listen", c.metrics_listen, "serve Prometheus GET /metrics on host:port (empty = off)")
      ->capture_default_str();
}

Status parse_host_port(const std::string& text, std::string& host, std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    return make_error(Errc::invalid_argument, fmt::format("'{}' is not host:port", text));
  }
  std::uint16_t parsed = 0;
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(begin, end, parsed);
  if (ec != std::errc() || ptr != end) return make_error(Errc::invalid_argument, fmt::format("'{}': bad port", text));
  host = text.substr(0, colon);
  if (host.empty()) host = "0.0.0.0";
  port = parsed;
  return {};
}

namespace {
Status apply_flag_strings(BrokerFlags& f, const std::set<std::string>& set_by_flags) {
  auto& c = f.config;
  if (set_by_flags.count("listenPort")) RINGMQ_TRY(parse_host_port(f.listen, c.listen_host, c.listen_port));
  if (set_by_flags.count("flushDiskType")) {
    if (f.flush == "async") c.flush_mode = broker::FlushMode::async_flush;
    else if (f.flush == "sync") c.flush_mode = broker::FlushMode::sync_flush;
    else return make_error(Errc::invalid_argument, "--flush: expected async or sync, got " + f.flush);
  }
  if (set_by_flags.count("brokerRole")) {
    if (f.role == "async_master") c.role = broker::BrokerRole::async_master;
    else if (f.role == "sync_master") c.role = broker::BrokerRole::sync_master;
    else if (f.role == "slave") c.role = broker::BrokerRole::slave;
    else return make_error(Errc::invalid_argument, "--role: expected async_master, sync_master or slave, got " + f.role);
  }
  if (set_by_flags.count("namesrvAddr")) {
    Properties one{{"namesrvAddr", f.namesrv_list}};
    RINGMQ_TRY(apply_broker_conf(one, {}, c));
  }
  return {};
}
}  // namespace

Result<broker::BrokerConfig> resolve_broker_config(BrokerFlags& f) {
  std::set<std::string> set_by_flags;
  for (const auto& [option, key] : f.options_by_key) {
    if (option->count() > 0) set_by_flags.insert(key);
  }
  auto& c = f.config;
  // --listen has a default; a listenPort in the properties file wins only over that default.
  if (!set_by_flags.count("listenPort")) RINGMQ_TRY(parse_host_port(f.listen, c.listen_host, c.listen_port));
  if (!f.conf_file.empty()) {
    RINGMQ_TRY_ASSIGN(Properties props, read_properties_file(f.conf_file));
    RINGMQ_TRY(apply_broker_conf(props, set_by_flags, c));
  }
  RINGMQ_TRY(apply_flag_strings(f, set_by_flags));
  if (c.namesrv_addrs.empty()) {
    if (const char* env = std::getenv("NAMESRV_ADDR"); env != nullptr && *env != '\0') {
      RINGMQ_TRY(apply_broker_conf(Properties{{"namesrvAddr", env}}, {}, c));
    }
  }
  if (c.broker_id != 0 && c.role != broker::BrokerRole::slave) {
    // RocketMQ derives the role from the id the same way: a non-zero id is a slave.
    c.role = broker::BrokerRole::slave;
  }
  if (!c.metrics_listen.empty()) {
    std::string host;
    std::uint16_t port = 0;
    if (auto st = parse_host_port(c.metrics_listen, host, port); !st.ok()) {
      return make_error(Errc::invalid_argument, "--metrics-listen: " + st.error().detail);
    }
  }
  RINGMQ_TRY(validate_broker_config(c));
  if (c.idle_timeout_s < 0 || c.idle_timeout_s > 86400) {
    return make_error(Errc::invalid_argument,
                      fmt::format("serverChannelMaxIdleTimeSeconds: {} is outside 0..86400", c.idle_timeout_s));
  }
  if (c.acl_enable) {
    // The file is read now so that a broken one stops the broker at once, naming the problem.
    RINGMQ_TRY_ASSIGN(c.acl_file, broker::acl::resolve_acl_path(c.acl_file));
    RINGMQ_TRY(broker::acl::load_acl(c.acl_file));
  }
  return c;
}

}  // namespace ringmq::cli
