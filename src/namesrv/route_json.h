// JSON bodies the NameServer answers with (docs/PROTOCOL.md §1.10, §3.6-§3.8), byte-compatible
// with what RocketMQ 4.9.4's fastjson writes: bean keys in alphabetical order, null fields left out.
// QueueData and BrokerData are written by protocol/route_data.h (which explains the two key styles
// of brokerAddrs); cluster info is always unquoted, as in Java.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "namesrv/route_info_manager.h"

namespace ringmq::namesrv {

using protocol::RouteJsonStyle;

// TopicRouteData of `topic`: {"brokerDatas":[...],"filterServerTable":{},["orderTopicConf":..,]
// "queueDatas":[...]}. Appends to `out` and returns true; returns false (appending nothing) when
// the topic has no QueueData or none of its broker groups is registered (TOPIC_NOT_EXIST).
bool encode_topic_route_data(const RouteTables& tables, std::string_view topic, RouteJsonStyle style,
                             const std::string* order_topic_conf, std::string& out);

// ClusterInfo: {"brokerAddrTable":{name:BrokerData},"clusterAddrTable":{cluster:[names]}}.
std::string encode_cluster_info(const RouteTables& tables);

// TopicList: {["brokerAddr":"..",]"topicList":[...]}; broker_addr empty = left out.
std::string encode_topic_list(const std::vector<std::string>& topics, std::string_view broker_addr = {});

// KVTable: {"table":{k:v}}.
std::string encode_kv_table(const std::map<std::string, std::string, std::less<>>& table);

}  // namespace ringmq::namesrv
