#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "base/hash.h"
#include "broker/broker_bodies.h"
#include "protocol/register_broker_body.h"
#include "broker/queue_shard.h"
#include "broker/topic/topic_config_manager.h"

using namespace ringmq;
using namespace ringmq::broker;

namespace {
std::string temp_dir() {
  char tmpl[] = "/tmp/ringmq-topics-XXXXXX";
  return mkdtemp(tmpl);
}
}  // namespace

TEST_CASE("topics: the eight system topics of 4.9.4 exist after load") {
  TopicConfigManager m({});
  REQUIRE(m.load().ok());
  for (const char* t : {"TBW102", "SELF_TEST_TOPIC", "BenchmarkTest", "OFFSET_MOVED_EVENT", "SCHEDULE_TOPIC_XXXX",
                        "DefaultCluster", "DefaultCluster_REPLY_TOPIC", "broker-a"}) {
    CHECK_MESSAGE(m.find(t) != nullptr, t);
  }
  CHECK(m.snapshot()->topics.size() == 8);
  CHECK(m.find("TBW102")->perm == 7);
  CHECK(m.find("TBW102")->write_queue_nums == 8);
  CHECK(m.find("SCHEDULE_TOPIC_XXXX")->read_queue_nums == 18);
}

TEST_CASE("topics: auto-create takes min(client queues, template) and drops INHERIT") {
  TopicConfigManager m({});
  REQUIRE(m.load().ok());
  bool changed = false;
  auto c = m.create_topic_in_send("NewTopic", "TBW102", 4, 0, changed);
  REQUIRE(c.ok());
  REQUIRE(*c != nullptr);
  CHECK(changed);
  CHECK((*c)->write_queue_nums == 4);
  CHECK((*c)->perm == 6);
  auto none = m.create_topic_in_send("Other", "NoSuchTemplate", 4, 0, changed);
  CHECK(*none == nullptr);
  auto no_inherit = m.create_topic_in_send("Other", "SELF_TEST_TOPIC", 4, 0, changed);
  CHECK(*no_inherit == nullptr);
}

TEST_CASE("topics: without auto-create there is no TBW102") {
  TopicConfigManagerOptions o;
  o.auto_create_topic = false;
  TopicConfigManager m(o);
  REQUIRE(m.load().ok());
  CHECK(m.find("TBW102") == nullptr);
}

TEST_CASE("topics: changes persist to topics.json and survive a reload") {
  const std::string dir = temp_dir();
  TopicConfigManagerOptions o;
  o.config_path = dir + "/topics.json";
  {
    TopicConfigManager m(o);
    REQUIRE(m.load().ok());
    TopicConfig c;
    c.topic_name = "Kept";
    c.read_queue_nums = c.write_queue_nums = 3;
    REQUIRE(m.update_topic_config(c).ok());
    TopicConfig gone = c;
    gone.topic_name = "Gone";
    REQUIRE(m.update_topic_config(gone).ok());
    CHECK(*m.delete_topic("Gone"));
    CHECK_FALSE(*m.delete_topic("Gone"));
  }
  TopicConfigManager again(o);
  REQUIRE(again.load().ok());
  REQUIRE(again.find("Kept") != nullptr);
  CHECK(again.find("Kept")->write_queue_nums == 3);
  CHECK(again.find("Gone") == nullptr);
  CHECK(again.snapshot()->data_version.counter >= 3);
  std::filesystem::remove_all(dir);
}

TEST_CASE("register body: the field set and CRC of a real 4.9.4 broker's REGISTER_BROKER") {
  TopicSnapshot s;
  s.data_version.counter = 1;
  s.data_version.timestamp = 1795275139063;
  TopicConfig t;
  t.topic_name = "TopicTest";
  t.read_queue_nums = t.write_queue_nums = 4;
  t.perm = 6;
  s.topics.emplace("TopicTest", t);
  const std::string body = protocol::encode_register_broker_body(s);
  // Body and bodyCrc32 of the second REGISTER_BROKER in 01-broker-register.jsonl.
  CHECK(body ==
        R"({"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":1,"timestamp":1795275139063},)"
        R"("topicConfigTable":{"TopicTest":{"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG",)"
        R"("topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}}}})");
  BrokerIdentity id{"DefaultCluster", "broker-a", 0, "127.0.0.1:40911", "192.0.2.2:40912"};
  auto cmd = make_register_broker_request(id, s);
  CHECK(cmd.ext_fields.get("bodyCrc32") == "50490920");
  CHECK(cmd.ext_fields.get("compressed") == "false");
  CHECK(cmd.ext_fields.get("haServerAddr") == "192.0.2.2:40912");
}

TEST_CASE("queue shard: every queue maps into range, a topic's queues spread over the shards") {
  for (std::uint32_t shards : {1u, 2u, 3u, 8u}) {
    std::set<std::uint32_t> used;
    for (int q = 0; q < 8; ++q) {
      auto s = shard_of_queue("TopicTest", q, shards);
      CHECK(s.value < shards);
      used.insert(s.value);
    }
    CHECK(used.size() == std::min<std::uint32_t>(shards, 8));
  }
  CHECK(shard_of_queue("A", 1, 4).value == shard_of_queue("A", 1, 4).value);
}

TEST_CASE("topic stats: MessageQueue objects as map keys, as 4.9.4 writes them") {
  std::vector<QueueStats> q{{0, 0, 1, 1795275573126}};
  CHECK(encode_topic_stats("TopicTest", "broker-a", q) ==
        R"({"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:)"
        R"({"lastUpdateTimestamp":1795275573126,"maxOffset":1,"minOffset":0}}})");
}
