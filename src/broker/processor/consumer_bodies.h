// JSON bodies of the consumer-side admin replies, in fastjson's shapes (keys alphabetical):
// ConsumeStats (GET_CONSUME_STATS, §7.7, MessageQueue objects as map keys like 4.9.4),
// ConsumerConnection / ProducerConnection (§7.5), GroupList (QUERY_TOPIC_CONSUME_BY_WHO).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "broker/client/client_manager.h"

namespace ringmq::broker {

struct ConsumeStatsEntry {
  std::string topic;
  std::int32_t queue_id = 0;
  std::int64_t broker_offset = 0;
  std::int64_t consumer_offset = 0;
  std::int64_t last_timestamp = 0;
};

std::string encode_consume_stats(std::string_view broker_name, const std::vector<ConsumeStatsEntry>& entries,
                                 double consume_tps);
std::string encode_consumer_connection(const ConsumerGroupInfo& group);
std::string encode_producer_connection(const std::map<ChannelKey, ClientChannelInfo>& channels);
std::string encode_group_list(const std::vector<std::string>& groups);

}  // namespace ringmq::broker
