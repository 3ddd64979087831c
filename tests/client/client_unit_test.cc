// Pure logic of the client library: rebalance, routes, the latency histogram, message encoding.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/zlib.h"
#include "client/heartbeat.h"
#include "client/latency_histogram.h"
#include "client/message_codec.h"
#include "client/mq_fault_strategy.h"
#include "client/rebalance.h"
#include "client/topic_route.h"
#include "remoting/batch_body.h"
#include "remoting/message_sysflag.h"

using namespace ringmq;
using namespace ringmq::client;

namespace {

std::vector<MessageQueue> queues(const std::string& broker, int n) {
  std::vector<MessageQueue> out;
  for (int i = 0; i < n; ++i) out.push_back({"T", broker, i});
  return out;
}

std::vector<int> ids(const std::vector<MessageQueue>& mqs) {
  std::vector<int> out;
  for (const auto& mq : mqs) out.push_back(mq.queue_id);
  return out;
}

}  // namespace

TEST_SUITE("unit") {

TEST_CASE("rebalance: 8 queues among 3 consumers split 3,3,2 in order (§13)") {
  std::vector<std::string> cids = {"c2", "c0", "c1"};  // sorted inside
  CHECK(ids(allocate_averagely(queues("b", 8), cids, "c0")) == std::vector<int>{0, 1, 2});
  CHECK(ids(allocate_averagely(queues("b", 8), cids, "c1")) == std::vector<int>{3, 4, 5});
  CHECK(ids(allocate_averagely(queues("b", 8), cids, "c2")) == std::vector<int>{6, 7});
}

TEST_CASE("rebalance: fewer queues than consumers leaves the last consumers idle") {
  std::vector<std::string> cids = {"c0", "c1", "c2"};
  CHECK(ids(allocate_averagely(queues("b", 2), cids, "c0")) == std::vector<int>{0});
  CHECK(ids(allocate_averagely(queues("b", 2), cids, "c1")) == std::vector<int>{1});
  CHECK(allocate_averagely(queues("b", 2), cids, "c2").empty());
  CHECK(allocate_averagely(queues("b", 2), cids, "stranger").empty());
}

TEST_CASE("rebalance: two brokers x 2 queues, 2 consumers: one broker each") {
  auto all = queues("broker-b", 2);
  for (auto& mq : queues("broker-a", 2)) all.push_back(mq);
  auto c0 = allocate_averagely(all, {"c0", "c1"}, "c0");
  REQUIRE(c0.size() == 2);
  CHECK(c0[0].broker_name == "broker-a");
  CHECK(c0[1].broker_name == "broker-a");
}

TEST_CASE("route: fastjson unquoted broker ids parse; publish and subscribe queues follow perm") {
  const std::string json =
      R"({"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"b","cluster":"C"},)"
      R"({"brokerAddrs":{"0":"127.0.0.1:10931"},"brokerName":"a","cluster":"C"}],"filterServerTable":{},)"
      R"("queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":2,"topicSysFlag":0,"writeQueueNums":3},)"
      R"({"brokerName":"a","perm":4,"readQueueNums":1,"topicSysFlag":0,"writeQueueNums":1}]})";
  auto route = protocol::decode_topic_route_data(json);
  REQUIRE(route.ok());
  CHECK(route->master_address("b") == "127.0.0.1:10911");
  auto pub = publish_queues(*route, "T");
  CHECK(pub.size() == 3);  // broker a is read-only
  CHECK(pub[0].broker_name == "b");
  auto sub = subscribe_queues(*route, "T");
  REQUIRE(sub.size() == 3);
  CHECK(sub[0].broker_name == "a");  // MessageQueue order
  auto slave = find_broker_address_in_subscribe(*route, "b", 1);
  REQUIRE(slave);
  CHECK(slave->is_slave);
  CHECK(slave->address == "127.0.0.1:10921");
  CHECK(publish_queues_for_new_topic(*route, "New", 2).size() == 2);
}

TEST_CASE("route: master/slave pair: sends need the master; pulls follow the suggestion, else fall back (§12.4)") {
  const std::string pair =
      R"({"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"b","cluster":"C"}],)"
      R"("queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":2,"topicSysFlag":0,"writeQueueNums":2}]})";
  auto route = protocol::decode_topic_route_data(pair);
  REQUIRE(route.ok());
  CHECK(publish_queues(*route, "T").size() == 2);
  auto master = find_broker_address_in_subscribe(*route, "b", kMasterId);
  REQUIRE(master);
  CHECK(master->address == "127.0.0.1:10911");
  CHECK_FALSE(master->is_slave);
  auto suggested = find_broker_address_in_subscribe(*route, "b", 1);
  REQUIRE(suggested);
  CHECK(suggested->address == "127.0.0.1:10921");
  CHECK(suggested->is_slave);
  // A suggested id that is not routed: id+1 is not either, so any replica (the master here).
  auto unknown = find_broker_address_in_subscribe(*route, "b", 5);
  REQUIRE(unknown);
  CHECK(unknown->address == "127.0.0.1:10911");
  CHECK_FALSE(unknown->is_slave);
  CHECK_FALSE(find_broker_address_in_subscribe(*route, "other", kMasterId));

  // The master gone: the NameServer keeps the slave and the queue data.
  const std::string slave_only =
      R"({"brokerDatas":[{"brokerAddrs":{1:"127.0.0.1:10921"},"brokerName":"b","cluster":"C"}],)"
      R"("queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":2,"topicSysFlag":0,"writeQueueNums":2}]})";
  route = protocol::decode_topic_route_data(slave_only);
  REQUIRE(route.ok());
  CHECK_FALSE(route->master_address("b"));
  CHECK(publish_queues(*route, "T").empty());
  CHECK(subscribe_queues(*route, "T").size() == 2);
  auto fallback = find_broker_address_in_subscribe(*route, "b", kMasterId);
  REQUIRE(fallback);
  CHECK(fallback->address == "127.0.0.1:10921");
  CHECK(fallback->is_slave);  // the pull then clears FLAG_COMMIT_OFFSET
}

TEST_CASE("fault strategy: a retry avoids the broker that failed; an isolated broker is skipped") {
  PublishInfo info;
  info.queues = queues("a", 2);
  for (auto& mq : queues("b", 2)) info.queues.push_back(mq);
  MQFaultStrategy strategy(true, 1000);
  for (int i = 0; i < 8; ++i) CHECK(strategy.select(info, "a", 0).broker_name == "b");
  strategy.update("b", true, 0);
  for (int i = 0; i < 8; ++i) CHECK(strategy.select(info, "", 10).broker_name == "a");
  CHECK(strategy.available("b", 1000));
}

TEST_CASE("latency histogram: exact below 128, within 1/64 above, percentiles in order") {
  for (std::int64_t v : {0, 1, 63, 127}) CHECK(LatencyHistogram::bucket_upper(LatencyHistogram::bucket_of(v)) == v);
  for (std::int64_t v : {128LL, 1000LL, 123456LL, 987654321LL}) {
    const auto upper = LatencyHistogram::bucket_upper(LatencyHistogram::bucket_of(v));
    CHECK(upper >= v);
    CHECK(static_cast<double>(upper - v) <= static_cast<double>(v) / 64.0 + 1);
  }
  LatencyHistogram h;
  for (int i = 1; i <= 1000; ++i) h.record(i * 1000);  // 1 us .. 1 ms
  CHECK(h.count() == 1000);
  CHECK(h.max() == 1000000);
  CHECK(h.percentile(50) == doctest::Approx(500000).epsilon(0.02));
  CHECK(h.percentile(99) == doctest::Approx(990000).epsilon(0.02));
  CHECK(h.percentile(100) == 1000000);
  LatencyHistogram other;
  other.record(5000000);
  h.merge(other);
  CHECK(h.max() == 5000000);
  CHECK(h.count() == 1001);
}

TEST_CASE("message encoding: SEND_MESSAGE_V2 short header, batch as 320 with m=true") {
  remoting::SendMessageRequestHeader header;
  header.producer_group = "pg";
  header.topic = "TopicT";
  header.queue_id = 3;
  header.properties = "TAGS\x01" "A";
  auto single = build_send_request(header, "body", remoting::SerializeType::json);
  CHECK(single.code == 310);
  CHECK(single.ext_fields.get("b") == "TopicT");
  CHECK(single.ext_fields.get("e") == "3");
  CHECK(single.ext_fields.get("m") == "false");
  CHECK(single.body == "body");
  header.batch = true;
  auto batch = build_send_request(header, "x", remoting::SerializeType::rocketmq);
  CHECK(batch.code == 320);
  CHECK(batch.ext_fields.get("m") == "true");
  std::string body;
  Message m("T", "hello");
  REQUIRE(append_to_batch(m, "KEYS\x01k", body).ok());
  auto decoded = remoting::decode_batch_body(body);
  REQUIRE(decoded.ok());
  CHECK(decoded->at(0).body == "hello");
}

TEST_CASE("compression: bodies at or over the threshold are zlib'd with flag 0x301, and inflate back") {
  std::string small(100, 'a');
  CHECK(compress_if_large(small, 4096).value() == 0);
  std::string big(8192, 'a');
  const std::string original = big;
  auto flag = compress_if_large(big, 4096);
  REQUIRE(flag.ok());
  CHECK(*flag == (remoting::message_sysflag::kCompressed | remoting::message_sysflag::kCompressionZlib));
  CHECK(big.size() < original.size());
  CHECK(zlib_inflate(big, kInflatedBodyBytesMax).value() == original);
}

TEST_CASE("subscription: tags split on ||, exact match filtering, heartbeat JSON shape") {
  auto sub = build_subscription("T", "TagA || TagB");
  CHECK(sub.tags_set == std::vector<std::string>{"TagA", "TagB"});
  CHECK(sub.code_set == std::vector<std::int32_t>{2598919, 2598920});
  CHECK(sub.accepts("TagA"));
  CHECK(!sub.accepts("TagC"));
  CHECK(build_subscription("T", "*").accepts("anything"));
  ConsumerData data;
  data.group_name = "cg";
  data.subscriptions.push_back(sub);
  const std::string json = encode_heartbeat({"ip@1", {"pg"}, {data}});
  CHECK(json.find(R"("consumeType":"CONSUME_PASSIVELY")") != std::string::npos);
  CHECK(json.find(R"("codeSet":[2598919,2598920])") != std::string::npos);
  CHECK(json.find(R"("producerDataSet":[{"groupName":"pg"}])") != std::string::npos);
}

}  // TEST_SUITE
