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
  // Prometheus text exposition on GET /metrics, "host:port"; empty = off (--metrics-listen).
  std::string metrics_listen;
  // Consumer side (issue 5).
  std::string delay_levels = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";  // messageDelayLevel
  std::int64_t channel_expired_timeout_ms = 120'000;      // channelExpiredTimeout
  bool long_polling_enable = true;                        // longPollingEnable
  std::int64_t short_polling_time_ms = 1000;              // shortPollingTimeMills
  bool auto_create_subscription_group = true;             // autoCreateSubscriptionGroup
  bool enable_property_filter = false;                    // enablePropertyFilter (SQL92 subscriptions)
  // Connection limits of the client port (rpc/limits.h): per remote IP on each core, and the
  // idle time after which a connection that sent no whole frame is closed (0 = never).
  std::size_t connections_per_ip_max = rpc::kConnectionsPerIpPerCoreMax;
  std::int64_t idle_timeout_s = rpc::kIdleConnectionTimeoutMs / 1000;  // serverChannelMaxIdleTimeSeconds
  // ACL 1.0 (issue 17): requests are checked against plain_acl.yml (broker/acl).
  bool acl_enable = false;                                // aclEnable
  std::string acl_file;                                   // --acl-file; resolved: $ROCKETMQ_HOME/conf/plain_acl.yml
};

}  // namespace ringmq::broker
