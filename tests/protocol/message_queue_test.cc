#include "protocol/message_queue.h"

#include <doctest/doctest.h>

#include <set>

#include "base/json_writer.h"
#include "protocol/json_fields.h"

using namespace ringmq;
using namespace ringmq::protocol;

TEST_CASE("message queue: written in fastjson's key order, read back in any order") {
  const MessageQueue mq{"T", "broker-a", 3};
  CHECK(encode_message_queue(mq) == R"({"brokerName":"broker-a","queueId":3,"topic":"T"})");
  for (const char* text : {R"({"brokerName":"broker-a","queueId":3,"topic":"T"})",
                           R"({"topic":"T","queueId":3,"brokerName":"broker-a"})",
                           R"({"queueId":3,"topic":"T","brokerName":"broker-a","extra":null})"}) {
    auto tree = parse_fastjson(text);
    REQUIRE(tree.ok());
    auto back = message_queue_from(*tree);
    REQUIRE(back.ok());
    CHECK(*back == mq);
  }
  CHECK(mq.to_string() == "MessageQueue [topic=T, brokerName=broker-a, queueId=3]");
}

TEST_CASE("message queue: a missing or mistyped field is not a MessageQueue") {
  for (const char* text : {R"({"brokerName":"b","topic":"T"})", R"({"brokerName":"b","queueId":"0","topic":"T"})",
                           R"({"brokerName":"b","queueId":1.5,"topic":"T"})", R"({"brokerName":7,"queueId":0,"topic":"T"})",
                           R"({"brokerName":"b","queueId":4294967296,"topic":"T"})", R"(["b",0,"T"])"}) {
    auto tree = parse_fastjson(text);
    REQUIRE(tree.ok());
    CHECK(message_queue_from(*tree).error().code == Errc::malformed);
  }
}

TEST_CASE("message queue: the standard-JSON reader (lock bodies) takes any key order and refuses partial queues") {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  REQUIRE(parser.parse(std::string(R"({"topic":"T","queueId":3,"brokerName":"b"})")).get(e) == simdjson::SUCCESS);
  auto mq = json::message_queue_from(e);
  REQUIRE(mq.ok());
  CHECK(*mq == MessageQueue{"T", "b", 3});
  for (const char* text : {R"({"topic":"T","brokerName":"b"})", R"({"topic":"T","queueId":"3","brokerName":"b"})",
                           R"({"topic":"T","queueId":2147483648,"brokerName":"b"})", R"([1])"}) {
    REQUIRE(parser.parse(std::string(text)).get(e) == simdjson::SUCCESS);
    CHECK(json::message_queue_from(e).error().code == Errc::malformed);
  }
}

TEST_CASE("message queue: Java's order (topic, brokerName, queueId) and a hash that tells queues apart") {
  std::set<MessageQueue> ordered{{"T", "b", 1}, {"S", "z", 0}, {"T", "a", 9}, {"T", "b", 0}};
  std::vector<MessageQueue> in_order(ordered.begin(), ordered.end());
  CHECK(in_order == std::vector<MessageQueue>{{"S", "z", 0}, {"T", "a", 9}, {"T", "b", 0}, {"T", "b", 1}});
  CHECK(MessageQueueHash{}({"T", "b", 0}) != MessageQueueHash{}({"T", "b", 1}));
}

TEST_CASE("queue offset table: a ResetOffsetBody's object-keyed map is read in order") {
  auto table = decode_queue_offset_table(
      R"({"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:5,{"brokerName":"broker-b","queueId":3,"topic":"T"}:-1}})");
  REQUIRE(table.ok());
  REQUIRE(table->size() == 2);
  CHECK((*table)[0].first == MessageQueue{"T", "broker-a", 0});
  CHECK((*table)[0].second == 5);
  CHECK((*table)[1].first == MessageQueue{"T", "broker-b", 3});
  CHECK((*table)[1].second == -1);
}

TEST_CASE("queue offset table: MessageQueue keys whose fields come in another order") {
  auto table = decode_queue_offset_table(
      R"({"offsetTable":{{"topic":"T","queueId":2,"brokerName":"b"}:7,{"queueId":0,"brokerName":"c","topic":"U"}:9}})");
  REQUIRE(table.ok());
  REQUIRE(table->size() == 2);
  CHECK((*table)[0].first == MessageQueue{"T", "b", 2});
  CHECK((*table)[0].second == 7);
  CHECK((*table)[1].first == MessageQueue{"U", "c", 0});
  CHECK((*table)[1].second == 9);
}

TEST_CASE("queue offset table: written as fastjson writes a Map<MessageQueue,Long>, entries with the offset inside too") {
  const QueueOffsets entries{{{"T", "b", 0}, 5}, {{"T", "b", 1}, -1}};
  const std::string map = encode_queue_offset_table(entries);
  CHECK(map == R"({{"brokerName":"b","queueId":0,"topic":"T"}:5,{"brokerName":"b","queueId":1,"topic":"T"}:-1})");
  CHECK(*decode_queue_offset_table(map) == entries);
  CHECK(encode_queue_offset_table({}) == "{}");

  JsonWriter w;
  w.begin_array();
  write_message_queue_offset(w, "T", "b", 1, 42);
  w.end_array();
  CHECK(w.str() == R"([{"brokerName":"b","offset":42,"queueId":1,"topic":"T"}])");
  CHECK(*decode_queue_offset_table(w.str()) == QueueOffsets{{{"T", "b", 1}, 42}});
}

TEST_CASE("queue offset table: the C++ form's entries carry their offset inside") {
  auto table = decode_queue_offset_table(R"({"offsetTable":[{"brokerName":"b","offset":42,"queueId":1,"topic":"T"}]})");
  REQUIRE(table.ok());
  REQUIRE(table->size() == 1);
  CHECK((*table)[0].first == MessageQueue{"T", "b", 1});
  CHECK((*table)[0].second == 42);
}

TEST_CASE("queue offset table: a GetConsumerStatusBody's nested maps are found at any depth") {
  auto table = decode_queue_offset_table(
      R"({"consumerTable":{"client-1":{{"brokerName":"b","queueId":1,"topic":"T"}:11}},)"
      R"("messageQueueTable":{{"brokerName":"b","queueId":0,"topic":"T"}:10}})");
  REQUIRE(table.ok());
  REQUIRE(table->size() == 2);
  CHECK((*table)[0] == std::pair<MessageQueue, std::int64_t>{{"T", "b", 1}, 11});
  CHECK((*table)[1] == std::pair<MessageQueue, std::int64_t>{{"T", "b", 0}, 10});
}

TEST_CASE("queue offset table: damaged entries are skipped, a damaged body is refused") {
  auto skipped = decode_queue_offset_table(
      R"({"offsetTable":{{"brokerName":"b","queueId":"x","topic":"T"}:1,{"brokerName":"b","queueId":2,"topic":"T"}:"3",)"
      R"({"brokerName":"b","queueId":4,"topic":"T"}:4}})");
  REQUIRE(skipped.ok());
  REQUIRE(skipped->size() == 1);
  CHECK((*skipped)[0].first.queue_id == 4);
  CHECK(decode_queue_offset_table(R"({"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:)").error().code ==
        Errc::malformed);
  CHECK(!decode_queue_offset_table(R"({"brokerName":"b")").ok());
  CHECK(!decode_queue_offset_table("").ok());
  auto empty = decode_queue_offset_table(R"({"offsetTable":{}})");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}
