// The NameServer's value types, named as in RocketMQ (ROCKETMQ-PROTOCOL.md §3.1, §3.2):
// DataVersion, TopicConfig, QueueData, BrokerData. Plain data, no behaviour beyond equality.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ringmq::namesrv {

// brokerId of a master (MixAll.MASTER_ID); slaves have ids > 0.
inline constexpr std::int64_t kMasterId = 0;

// Permission bits of a topic on a broker (PermName).
inline constexpr std::int32_t kPermPriority = 8;
inline constexpr std::int32_t kPermRead = 4;
inline constexpr std::int32_t kPermWrite = 2;
inline constexpr std::int32_t kPermInherit = 1;

// TopicSysFlag bits.
inline constexpr std::int32_t kTopicSysFlagUnit = 1;
inline constexpr std::int32_t kTopicSysFlagUnitSub = 2;

// A broker's topic-config version; the broker bumps it on every topic change. 4.9 brokers send
// {counter, timestamp}; 5.x adds stateVersion, which we keep only when it was sent so that the
// DataVersion we echo back is the one the broker gave us.
struct DataVersion {
  std::int64_t counter = 0;
  std::int64_t timestamp = 0;
  std::optional<std::int64_t> state_version;

  friend bool operator==(const DataVersion&, const DataVersion&) = default;
};

// What the NameServer needs of a broker's TopicConfig. Defaults are TopicConfig's (Java fills
// missing JSON keys with them).
struct TopicConfig {
  std::string topic_name;
  std::int32_t read_queue_nums = 16;
  std::int32_t write_queue_nums = 16;
  std::int32_t perm = kPermRead | kPermWrite;
  std::string topic_filter_type = "SINGLE_TAG";
  std::int32_t topic_sys_flag = 0;
  bool order = false;
};

// One broker group's queues for one topic (a TopicRouteData.queueDatas element).
struct QueueData {
  std::string broker_name;
  std::int32_t read_queue_nums = 0;
  std::int32_t write_queue_nums = 0;
  std::int32_t perm = 0;
  std::int32_t topic_sys_flag = 0;

  friend bool operator==(const QueueData&, const QueueData&) = default;
};

// A broker group: one brokerName, its master (id 0) and slaves, by brokerId.
struct BrokerData {
  std::string cluster;
  std::string broker_name;
  std::map<std::int64_t, std::string> broker_addrs;  // sorted by id, as Java's HashMap<Long,..> prints

  friend bool operator==(const BrokerData&, const BrokerData&) = default;
};

}  // namespace ringmq::namesrv
