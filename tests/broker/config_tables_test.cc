// The broker's config/*.json tables: subscriptionGroup.json, consumerOffset.json, delayOffset.json,
// in RocketMQ's shapes (fastjson's form read, standard JSON written).
#include <doctest/doctest.h>

#include "broker/offset/consumer_offset_table.h"
#include "broker/schedule/delay_offset_table.h"
#include "broker/subscription/subscription_group_table.h"

using namespace ringmq;
using namespace ringmq::broker;

TEST_CASE("config tables: consumer offsets read fastjson's unquoted integer keys and write standard JSON") {
  const std::string fastjson = R"({"offsetTable":{"TopicTest@please_rename_unique_group_name_4":{0:12,1:5,3:250},"%RETRY%g@g":{0:0}}})";
  auto t = decode_consumer_offsets(fastjson);
  REQUIRE(t.ok());
  CHECK(t->offsets.size() == 2);
  CHECK(t->offsets["TopicTest@please_rename_unique_group_name_4"][1] == 5);
  CHECK(t->offsets["TopicTest@please_rename_unique_group_name_4"][3] == 250);
  const std::string written = encode_consumer_offsets(*t);
  CHECK(written == R"({"offsetTable":{"%RETRY%g@g":{"0":0},"TopicTest@please_rename_unique_group_name_4":{"0":12,"1":5,"3":250}}})");
  CHECK(decode_consumer_offsets(written)->offsets == t->offsets);
}

TEST_CASE("config tables: subscription groups and delay offsets round-trip") {
  SubscriptionGroupTable g;
  SubscriptionGroupConfig c;
  c.group_name = "G";
  c.retry_max_times = 3;
  c.consume_broadcast_enable = false;
  g.groups["G"] = c;
  auto back = decode_subscription_groups(encode_subscription_groups(g));
  REQUIRE(back.ok());
  CHECK(back->groups["G"].retry_max_times == 3);
  CHECK(!back->groups["G"].consume_broadcast_enable);

  auto d = decode_delay_offsets(R"({"offsetTable":{1:0,2:17},"dataVersion":{}})");
  REQUIRE(d.ok());
  CHECK(d->offsets[2] == 17);
  CHECK(encode_delay_offsets(*d) == R"({"offsetTable":{"1":0,"2":17}})");
}

TEST_CASE("config tables: subscriptionGroup.json is written byte for byte in fastjson's key order") {
  SubscriptionGroupTable g;
  g.data_version.counter = 2;
  g.data_version.timestamp = 1700000000000;
  SubscriptionGroupConfig c;
  c.group_name = "G";
  g.groups["G"] = c;
  const std::string json = encode_subscription_groups(g);
  CHECK(json ==
        R"({"dataVersion":{"counter":2,"timestamp":1700000000000},"subscriptionGroupTable":{"G":{"brokerId":0,)"
        R"("consumeBroadcastEnable":true,"consumeEnable":true,"consumeFromMinEnable":true,"groupName":"G",)"
        R"("notifyConsumerIdsChangedEnable":true,"retryMaxTimes":16,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}}})");
  auto back = decode_subscription_groups(json);
  REQUIRE(back.ok());
  CHECK(back->data_version == g.data_version);
  CHECK(back->groups == g.groups);
}

TEST_CASE("config tables: damaged entries are refused, naming the table") {
  auto offsets = decode_consumer_offsets(R"({"offsetTable":{"T@g":{"x":1}}})");
  REQUIRE(!offsets.ok());
  CHECK(offsets.error().code == Errc::malformed);
  CHECK(!decode_consumer_offsets(R"({"offsetTable":{"T@g":5}})").ok());
  CHECK(!decode_delay_offsets(R"({"offsetTable":{1:"x"}})").ok());
  CHECK(!decode_subscription_groups(R"({"subscriptionGroupTable":{"G":7}})").ok());
  CHECK(!decode_subscription_groups("not json").ok());
  // A missing table is an empty one (a file from an older broker, or a fresh store).
  auto empty = decode_consumer_offsets("{}");
  REQUIRE(empty.ok());
  CHECK(empty->offsets.empty());
}
