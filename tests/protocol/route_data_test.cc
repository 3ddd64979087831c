#include "protocol/route_data.h"

#include <doctest/doctest.h>

using namespace ringmq;
using namespace ringmq::protocol;

namespace {

TopicRouteData sample_route() {
  TopicRouteData r;
  r.broker_datas.push_back({"DefaultCluster", "broker-a", {{0, "127.0.0.1:10911"}, {1, "127.0.0.1:10921"}}});
  r.queue_datas.push_back({"broker-a", 4, 4, 6, 0});
  return r;
}

}  // namespace

TEST_CASE("route data: both key styles, fastjson's key order") {
  const TopicRouteData r = sample_route();
  CHECK(encode_topic_route_data(r, RouteJsonStyle::fastjson_legacy) ==
        R"({"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"broker-a",)"
        R"("cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,)"
        R"("readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]})");
  TopicRouteData ordered = r;
  ordered.order_topic_conf = "broker-a:4";
  const std::string standard = encode_topic_route_data(ordered, RouteJsonStyle::standard);
  CHECK(standard.find(R"({"0":"127.0.0.1:10911","1":"127.0.0.1:10921"})") != std::string::npos);
  CHECK(standard.find(R"("filterServerTable":{},"orderTopicConf":"broker-a:4","queueDatas")") != std::string::npos);
}

TEST_CASE("route data: decoding reads back what either style wrote") {
  for (auto style : {RouteJsonStyle::fastjson_legacy, RouteJsonStyle::standard}) {
    TopicRouteData r = sample_route();
    r.order_topic_conf = "broker-a:4";
    auto back = decode_topic_route_data(encode_topic_route_data(r, style));
    REQUIRE(back.ok());
    CHECK(back->broker_datas == r.broker_datas);
    CHECK(back->queue_datas == r.queue_datas);
    CHECK(back->order_topic_conf == r.order_topic_conf);
    CHECK(back->master_address("broker-a") == "127.0.0.1:10911");
    CHECK_FALSE(back->master_address("broker-b").has_value());
  }
}

TEST_CASE("route data: malformed bodies are refused") {
  CHECK_FALSE(decode_topic_route_data("not json").ok());
  CHECK_FALSE(decode_topic_route_data(R"({"brokerDatas":[{"brokerAddrs":{"x":"a"}}]})").ok());
  CHECK_FALSE(decode_topic_route_data(R"({"queueDatas":[{"perm":"6"}]})").ok());
  CHECK(decode_topic_route_data(R"({"brokerDatas":[],"queueDatas":[]})").ok());
}
