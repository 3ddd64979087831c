// JSON bodies the broker sends (fastjson shapes, keys in Java's alphabetical order); the RocketMQ
// types inside them (TopicConfigSerializeWrapper, RegisterBrokerBody) are encoded by protocol/:
//   - the REGISTER_BROKER / UNREGISTER_BROKER requests (header + RegisterBrokerBody + bodyCrc32);
//   - KVTable (GET_BROKER_RUNTIME_INFO, §7.4) and TopicStatsTable (GET_TOPIC_STATS_INFO, §7.6).
// Pure functions of their inputs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/topic/topic_config.h"
#include "remoting/command.h"

namespace ringmq::broker {

struct BrokerIdentity {
  std::string cluster_name;
  std::string broker_name;
  std::int64_t broker_id = 0;
  std::string broker_addr;     // advertised ip:port
  std::string ha_server_addr;  // ip:(port + 1)
};

// REGISTER_BROKER with the RegisterBrokerBody, compressed=false and bodyCrc32 = crc32 & 0x7FFFFFFF
// (UtilAll.crc32), as 4.9.4 sends it.
remoting::RemotingCommand make_register_broker_request(const BrokerIdentity& id, const TopicSnapshot& topics);
remoting::RemotingCommand make_unregister_broker_request(const BrokerIdentity& id);

// {"table":{k:v,...}}
std::string encode_kv_table(const std::vector<std::pair<std::string, std::string>>& table);

struct QueueStats {
  std::int32_t queue_id = 0;
  std::int64_t min_offset = 0;
  std::int64_t max_offset = 0;
  std::int64_t last_update_timestamp = 0;
};
// {"offsetTable":{{"brokerName":b,"queueId":n,"topic":t}:{"lastUpdateTimestamp":..,"maxOffset":..,
// "minOffset":..},...}} — the MessageQueue object as map key, as 4.9.4 writes it.
std::string encode_topic_stats(std::string_view topic, std::string_view broker_name,
                               const std::vector<QueueStats>& queues);

}  // namespace ringmq::broker
