#include "protocol/topic_config.h"

#include <doctest/doctest.h>

#include "protocol/register_broker_body.h"

using namespace ringmq;
using namespace ringmq::protocol;

TEST_CASE("perm: bits and predicates are PermName's") {
  CHECK(perm::kReadWrite == 6);
  CHECK(perm::is_readable(perm::kRead));
  CHECK_FALSE(perm::is_writeable(perm::kRead | perm::kInherit));
  CHECK(perm::is_inherited(7));
  CHECK(TopicConfig{}.perm == 6);
  CHECK(kMasterId == 0);
}

TEST_CASE("topic config wrapper: fastjson's bytes, and back") {
  TopicConfigTable t;
  t.data_version = {3, 1795275139063, std::nullopt};
  TopicConfig c;
  c.topic_name = "TopicTest";
  c.read_queue_nums = c.write_queue_nums = 4;
  c.order = true;
  t.topics.emplace("TopicTest", c);
  const std::string json = encode_topic_config_wrapper(t);
  CHECK(json ==
        R"({"dataVersion":{"counter":3,"timestamp":1795275139063},"topicConfigTable":{"TopicTest":{"order":true,)"
        R"("perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,)"
        R"("writeQueueNums":4}}})");
  auto back = decode_topic_config_wrapper(json);
  REQUIRE(back.ok());
  CHECK(back->data_version == t.data_version);
  REQUIRE(back->find("TopicTest") != nullptr);
  CHECK(*back->find("TopicTest") == c);
  CHECK(back->find("nope") == nullptr);
  CHECK(queue_count_of(c) == 4);
}

TEST_CASE("topic config wrapper: missing keys keep Java's defaults, wrong types are refused") {
  auto five = decode_topic_config_wrapper(
      R"({"topicConfigTable":{"T":{"attributes":{},"perm":4}},"dataVersion":{"counter":1,"stateVersion":9}})");
  REQUIRE(five.ok());
  CHECK(five->data_version == DataVersion{1, 0, 9});
  CHECK(five->topics.at("T").topic_name == "T");
  CHECK(five->topics.at("T").read_queue_nums == 16);
  CHECK(five->topics.at("T").perm == 4);
  CHECK_FALSE(decode_topic_config_wrapper(R"({"topicConfigTable":{"T":{"perm":"6"}}})").ok());
  CHECK_FALSE(decode_topic_config_wrapper(R"({"topicConfigTable":{"T":{"perm":4294967296}}})").ok());
  CHECK_FALSE(decode_topic_config_wrapper("[1,2]").ok());
}

TEST_CASE("data version: stateVersion is written only when it was read") {
  CHECK(encode_data_version({5, 9, std::nullopt}) == R"({"counter":5,"timestamp":9})");
  CHECK(encode_data_version({5, 9, 2}) == R"({"counter":5,"stateVersion":2,"timestamp":9})");
  CHECK(decode_data_version(R"({"counter":5,"stateVersion":2,"timestamp":9})").value() == DataVersion{5, 9, 2});
  CHECK_FALSE(decode_data_version("nope").ok());
}

TEST_CASE("register body from a broker's table: the plain form the NameServer decodes back") {
  TopicConfigTable t;
  t.data_version = {1, 2, std::nullopt};
  t.topics.emplace("B", TopicConfig{"B", 2, 2, 6, "SINGLE_TAG", 0, false});
  t.topics.emplace("A", TopicConfig{"A", 1, 1, 7, "MULTI_TAG", 0, true});
  const std::string body = encode_register_broker_body(t);
  CHECK(body.starts_with(R"({"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":)"));
  auto back = decode_register_broker_body(body, false);
  REQUIRE(back.ok());
  REQUIRE(back->topic_configs.size() == 2);
  CHECK(back->topic_configs[0] == t.topics.at("A"));
  CHECK(back->topic_configs[1] == t.topics.at("B"));
  CHECK(back->data_version == t.data_version);
}
