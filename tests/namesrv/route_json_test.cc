#include "namesrv/route_json.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <string>

namespace ringmq::namesrv {
namespace {

// The state of the capture scenarios: broker-a (127.0.0.1:40911) alone in DefaultCluster.
RouteInfoManager captured_state() {
  RouteInfoManager m;
  RegisterBrokerBody body;
  body.data_version = {1, 1795275139063, std::nullopt};
  body.topic_configs.push_back({"TopicTest", 4, 4, 6, "SINGLE_TAG", 0, false});
  body.topic_configs.push_back({"TBW102", 8, 8, 7, "SINGLE_TAG", 0, false});
  m.register_broker({"DefaultCluster", "127.0.0.1:40911", "broker-a", 0, "192.0.2.2:40912", std::nullopt}, body, 1,
                    0);
  return m;
}

std::string route(const RouteTables& t, std::string_view topic, RouteJsonStyle style) {
  std::string out;
  REQUIRE(encode_topic_route_data(t, topic, style, nullptr, out));
  return out;
}

TEST_CASE("route_json: the legacy route body is byte-identical to what 4.9.4 sent ali-ons (02)") {
  const auto m = captured_state();
  CHECK(route(m.tables(), "TopicTest", RouteJsonStyle::fastjson_legacy) ==
        R"({"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:40911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],)"
        R"("filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]})");
}

TEST_CASE("route_json: the standard route body is byte-identical to what 4.9.4 sent a Java client (05a)") {
  const auto m = captured_state();
  CHECK(route(m.tables(), "TBW102", RouteJsonStyle::standard) ==
        R"({"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:40911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],)"
        R"("filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":7,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}]})");
}

TEST_CASE("route_json: a standard route with master, slave and two groups parses as JSON with every field") {
  RouteInfoManager m;
  RegisterBrokerBody body;
  body.topic_configs.push_back({"T", 4, 2, 6, "SINGLE_TAG", 0, false});
  m.register_broker({"C", "a0:1", "broker-a", 0, "a0:2", std::nullopt}, body, 1, 0);
  m.register_broker({"C", "a1:1", "broker-a", 1, "a1:2", std::nullopt}, body, 2, 0);
  m.register_broker({"C", "b0:1", "broker-b", 0, "b0:2", std::nullopt}, body, 3, 0);
  const std::string json = route(m.tables(), "T", RouteJsonStyle::standard);

  simdjson::dom::parser parser;
  simdjson::dom::object root;
  REQUIRE(parser.parse(json).get(root) == simdjson::SUCCESS);
  simdjson::dom::array brokers = root["brokerDatas"].get_array().value();
  simdjson::dom::array queues = root["queueDatas"].get_array().value();
  REQUIRE(brokers.size() == 2);
  REQUIRE(queues.size() == 2);
  simdjson::dom::object a = brokers.at(0).get_object().value();
  CHECK(a["brokerName"].get_string().value() == "broker-a");
  CHECK(a["cluster"].get_string().value() == "C");
  CHECK(a["brokerAddrs"]["0"].get_string().value() == "a0:1");
  CHECK(a["brokerAddrs"]["1"].get_string().value() == "a1:1");
  simdjson::dom::object q = queues.at(1).get_object().value();
  CHECK(q["brokerName"].get_string().value() == "broker-b");
  CHECK(q["readQueueNums"].get_int64().value() == 4);
  CHECK(q["writeQueueNums"].get_int64().value() == 2);
  CHECK(q["perm"].get_int64().value() == 6);
  CHECK(q["topicSysFlag"].get_int64().value() == 0);
  CHECK(root["filterServerTable"].get_object().value().size() == 0);

  const std::string legacy = route(m.tables(), "T", RouteJsonStyle::fastjson_legacy);
  CHECK(legacy.find(R"({0:"a0:1",1:"a1:1"})") != std::string::npos);
}

TEST_CASE("route_json: an unknown topic, or one whose broker groups are all gone, has no route") {
  RouteTables t;
  std::string out;
  CHECK(!encode_topic_route_data(t, "nope", RouteJsonStyle::standard, nullptr, out));
  t.topic_queue_table["orphan"].push_back({"gone", 1, 1, 6, 0});
  CHECK(!encode_topic_route_data(t, "orphan", RouteJsonStyle::standard, nullptr, out));
  CHECK(out.empty());
}

TEST_CASE("route_json: orderTopicConf sits between filterServerTable and queueDatas, as fastjson sorts it") {
  const auto m = captured_state();
  const std::string conf = "broker-a:4";
  std::string out;
  REQUIRE(encode_topic_route_data(m.tables(), "TopicTest", RouteJsonStyle::standard, &conf, out));
  CHECK(out.find(R"("filterServerTable":{},"orderTopicConf":"broker-a:4","queueDatas")") != std::string::npos);
}

TEST_CASE("route_json: cluster info is byte-identical to what 4.9.4 sent mqadmin (06), unquoted keys included") {
  const auto m = captured_state();
  CHECK(encode_cluster_info(m.tables()) ==
        R"({"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"127.0.0.1:40911"},"brokerName":"broker-a","cluster":"DefaultCluster"}},)"
        R"("clusterAddrTable":{"DefaultCluster":["broker-a"]}})");
}

TEST_CASE("route_json: TopicList and KVTable bodies") {
  CHECK(encode_topic_list({"A", "B"}) == R"({"topicList":["A","B"]})");
  CHECK(encode_topic_list({}, "1.2.3.4:5") == R"({"brokerAddr":"1.2.3.4:5","topicList":[]})");
  CHECK(encode_kv_table({{"T", "broker-a:4"}}) == R"({"table":{"T":"broker-a:4"}})");
}

}  // namespace
}  // namespace ringmq::namesrv
