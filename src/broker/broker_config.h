// BrokerConfig: every setting of a broker, with RocketMQ's defaults. Filled by the CLI from flags
// and from a RocketMQ-style broker.conf (flags win); read-only once the broker starts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "reactor/limits.h"
#include "rpc/limits.h"

namespace ringmq::broker {

enum class FlushMode { async_flush, sync_flush };
enum class BrokerRole { async_master, sync_master, slave };

struct BrokerConfig {
  std::string cluster_name = "DefaultCluster";           // brokerClusterName
  std::string broker_name = "broker-a";                  // brokerName
  std::int64_t broker_id = 0;                             // brokerId: 0 = master
  std::vector<std::string> namesrv_addrs;                 // namesrvAddr, "host:port;host:port"
  std::string listen_host = "0.0.0.0";
  std::uint16_t listen_port = 10911;                      // listenPort
  // The address published to NameServers and put in message ids (brokerIP1). Empty = derive.
  std::string advertised_ip;
  std::string store_dir = "./data/broker-a";              // storePathRootDir
  FlushMode flush_mode = FlushMode::async_flush;          // flushDiskType
  BrokerRole role = BrokerRole::async_master;             // brokerRole
  std::int64_t sync_flush_timeout_ms = 5000;              // syncFlushTimeout
  std::int64_t async_flush_interval_ms = 500;             // flushIntervalCommitLog
  bool auto_create_topic = true;                          // autoCreateTopicEnable
  int default_topic_queue_nums = 8;                       // defaultTopicQueueNums (TBW102 queues)
  std::size_t commit_log_segment_bytes = 1ull << 30;      // mapedFileSizeCommitLog
  // Synced CommitLog data kept in the page cache per shard, behind the durable offset (ringmq's
  // own key; store::CommitLogOptions::page_cache_keep_bytes says why). 0 = the kernel decides.
  std::int64_t page_cache_keep_mb = 1024;                 // pageCacheKeepMb
  int retention_hours = 72;                               // fileReservedTime
  int disk_max_used_percent = 75;                         // diskMaxUsedSpaceRatio
  int disk_clean_forcibly_percent = 85;                   // diskSpaceCleanForciblyRatio
  int disk_warning_percent = 90;                          // diskSpaceWarningLevelRatio
  std::string delete_when = "04";                         // deleteWhen: hours of day, "04" or "04;16"
  std::size_t max_message_bytes = 4 * 1024 * 1024;        // maxMessageSize
  int register_period_ms = 30000;                         // registerNameServerPeriod
  int cores = 0;                                          // 0 = reactor::default_core_count()
  // Pull replies whose message bytes reach this go out zero-copy (0 = never; reactor/limits.h).
  std::size_t zerocopy_send_min_bytes = reactor::kZeroCopySendBytesMinDefault;
  // Microseconds a core polls for work before sleeping (0 = off; reactor/limits.h kIdlePollNsMax).
  std::int64_t idle_poll_us = reactor::kIdlePollNsBrokerDefault / 1000;
  // Prometheus text exposition on GET /metrics, "host:port"; empty = off (--metrics-listen).
  std::string metrics_listen;
  // Consumer side (issue 5).
  std::string delay_levels = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";  // messageDelayLevel
  std::int64_t channel_expired_timeout_ms = 120'000;      // channelExpiredTimeout
  bool long_polling_enable = true;                        // longPollingEnable
  std::int64_t short_polling_time_ms = 1000;              // shortPollingTimeMills
  bool auto_create_subscription_group = true;             // autoCreateSubscriptionGroup
  // Connection limits of the client port (rpc/limits.h): per remote IP on each core, and the
  // idle time after which a connection that sent no whole frame is closed (0 = never).
  std::size_t connections_per_ip_max = rpc::kConnectionsPerIpPerCoreMax;
  // Open connections per core (reactor/limits.h); checked in cli/broker_config_check.
  std::int64_t connections_per_core_max = static_cast<std::int64_t>(reactor::kConnectionsPerCoreMax);
  std::int64_t idle_timeout_s = rpc::kIdleConnectionTimeoutMs / 1000;  // serverChannelMaxIdleTimeSeconds
  // NameServers from an address server when none is configured (RocketMQ's
  // fetchNamesrvAddrByAddressServer, rmqAddressServerDomain, rmqAddressServerSubGroup): fetched
  // by the CLI (cli/namesrv_address_poller.h) at start and every interval.
  bool fetch_namesrv_addr_by_address_server = false;
  std::string address_server_domain = "jmenv.tbsite.net";  // MixAll.DEFAULT_NAMESRV_ADDR_LOOKUP
  std::string address_server_subgroup = "nsaddr";
  std::int64_t address_server_interval_ms = 120'000;      // MQClientInstance / BrokerController: 2 min
  // ACL 1.0 (issue 17): requests are checked against plain_acl.yml (broker/acl).
  bool acl_enable = false;                                // aclEnable
  std::string acl_file;                                   // --acl-file; resolved: $ROCKETMQ_HOME/conf/plain_acl.yml
  // Transactional messages (issue 15; broker/transaction).
  std::int64_t transaction_timeout_ms = 6'000;            // transactionTimeOut
  std::int64_t transaction_check_interval_ms = 60'000;    // transactionCheckInterval
  std::int32_t transaction_check_max = 15;                // transactionCheckMax
  // SQL92 subscriptions (issue 15): accepted and evaluated on pull only when on, as in 4.9.4.
  bool enable_property_filter = false;                    // enablePropertyFilter
  // Request-reply (issue 15): replies are also stored in <cluster>_REPLY_TOPIC, as in 4.9.4.
  bool store_reply_message_enable = true;                 // storeReplyMessageEnable
  // Replication (issue 14, broker/ha). haListenPort: -1 = listenPort + 1 (0 when listenPort is 0).
  int ha_listen_port = -1;                                // haListenPort
  std::string ha_master_address;                          // haMasterAddress; empty = from the NameServer
  std::int64_t ha_slave_fallbehind_max = 256ll * 1024 * 1024;  // haSlaveFallbehindMax, bytes
  bool slave_read_enable = false;                         // slaveReadEnable
  int access_message_in_memory_max_ratio = 40;            // accessMessageInMemoryMaxRatio, % of RAM
};

}  // namespace ringmq::broker
