#include "protocol/heartbeat_data.h"

#include <doctest/doctest.h>

#include "base/hash.h"

using namespace ringmq;
using namespace ringmq::protocol;

TEST_CASE("heartbeat: an ali-ons heartbeat body parses with its consumer group and subscription") {
  const char* body =
      R"({"clientID":"192.0.2.2@21398","consumerDataSet":[{"groupName":"CG_alions","consumeType":"CONSUME_PASSIVELY",)"
      R"("messageModel":"CLUSTERING","consumeFromWhere":"CONSUME_FROM_FIRST_OFFSET","subscriptionDataSet":[{"topic":)"
      R"("TopicTest","subString":"*","classFilterMode":false,"tagsSet":[],"codeSet":[],"subVersion":1795275369602}],)"
      R"("unitMode":false}],"producerDataSet":[]})";
  auto hb = decode_heartbeat(body);
  REQUIRE(hb.ok());
  CHECK(hb->client_id == "192.0.2.2@21398");
  REQUIRE(hb->consumers.size() == 1);
  const ConsumerData& c = hb->consumers[0];
  CHECK(c.group_name == "CG_alions");
  CHECK(c.consume_from_where == ConsumeFromWhere::first_offset);
  REQUIRE(c.subscriptions.size() == 1);
  CHECK(c.subscriptions[0].all());
  CHECK(c.subscriptions[0].sub_version == 1795275369602);
}

TEST_CASE("heartbeat: the C++ client's ordinal enums, string subVersion and trailing newline are accepted") {
  const char* body =
      "{\"clientID\":\"127.0.0.1@1#x\",\"consumerDataSet\":[{\"consumeFromWhere\":4,\"consumeType\":1,"
      "\"groupName\":\"CG_cpp\",\"messageModel\":0,\"subscriptionDataSet\":[{\"subString\":\"TagA || TagB\","
      "\"subVersion\":\"1795275449635\",\"topic\":\"TopicTest\"}],\"unitMode\":false}],\"producerDataSet\":[]}\n";
  auto hb = decode_heartbeat(body);
  REQUIRE(hb.ok());
  const ConsumerData& c = hb->consumers[0];
  CHECK(c.consume_type == ConsumeType::passively);
  CHECK(c.message_model == MessageModel::broadcasting);
  CHECK(c.consume_from_where == ConsumeFromWhere::first_offset);
  CHECK(c.subscriptions[0].sub_version == 1795275449635);
  CHECK(c.subscriptions[0].tags_set == std::vector<std::string>{"TagA", "TagB"});
}

TEST_CASE("heartbeat: a string subVersion out of range or not a number reads as 0, never overflows") {
  for (const char* v : {"99999999999999999999999", "-99999999999999999999999", "12x", "-", ""}) {
    const std::string body = std::string("{\"clientID\":\"c\",\"consumerDataSet\":[{\"groupName\":\"g\",") +
                             "\"subscriptionDataSet\":[{\"topic\":\"T\",\"subVersion\":\"" + v + "\"}]}]}";
    auto hb = decode_heartbeat(body);
    REQUIRE(hb.ok());
    CHECK(hb->consumers[0].subscriptions[0].sub_version == 0);
  }
  auto negative = decode_heartbeat(
      R"({"clientID":"c","consumerDataSet":[{"groupName":"g","subscriptionDataSet":[{"topic":"T","subVersion":"-17"}]}]})");
  REQUIRE(negative.ok());
  CHECK(negative->consumers[0].subscriptions[0].sub_version == -17);
}

TEST_CASE("heartbeat: a body that is not a JSON object or lacks clientID is refused") {
  CHECK_FALSE(decode_heartbeat("[1,2]").ok());
  CHECK_FALSE(decode_heartbeat("{\"consumerDataSet\":[]}").ok());
}

TEST_CASE("subscription: tags split on || and trimmed, each with its Java hashCode, as FilterAPI does") {
  SubscriptionData s = build_subscription("T", " TagA ||TagB|| ");
  CHECK(s.tags_set == std::vector<std::string>{"TagA", "TagB"});
  CHECK(s.code_set == std::vector<std::int32_t>{java_string_hash("TagA"), java_string_hash("TagB")});
  CHECK(build_subscription("T", "").all());
  CHECK(build_subscription("T", "*").tags_set.empty());
}

TEST_CASE("subscription: a repeated tag counts once (tagsSet is a HashSet); other expression types keep no tags") {
  SubscriptionData s = build_subscription("T", "A||B||A");
  CHECK(s.tags_set == std::vector<std::string>{"A", "B"});
  CHECK(s.code_set.size() == 2);
  CHECK(s.accepts("B"));
  CHECK_FALSE(s.accepts("C"));
  SubscriptionData sql = build_subscription("T", "a > 1", "SQL92");
  CHECK(sql.sub_string == "a > 1");
  CHECK(sql.tags_set.empty());
  CHECK_FALSE(sql.all());
}

TEST_CASE("heartbeat: encode then decode keeps every field, in fastjson's key order") {
  HeartbeatData hb;
  hb.client_id = "10.0.0.1@42";
  hb.producer_groups = {"PG"};
  ConsumerData c;
  c.group_name = "CG";
  c.consume_type = ConsumeType::actively;
  c.message_model = MessageModel::broadcasting;
  c.consume_from_where = ConsumeFromWhere::timestamp;
  SubscriptionData s = build_subscription("TopicTest", "TagA || TagB");
  s.sub_version = 17;
  c.subscriptions.push_back(s);
  hb.consumers.push_back(c);
  const std::string json = encode_heartbeat(hb);
  CHECK(json ==
        R"({"clientID":"10.0.0.1@42","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_TIMESTAMP",)"
        R"("consumeType":"CONSUME_ACTIVELY","groupName":"CG","messageModel":"BROADCASTING","subscriptionDataSet":)"
        R"([{"classFilterMode":false,"codeSet":[2598919,2598920],"expressionType":"TAG","subString":"TagA || TagB",)"
        R"("subVersion":17,"tagsSet":["TagA","TagB"],"topic":"TopicTest"}],"unitMode":false}],)"
        R"("producerDataSet":[{"groupName":"PG"}]})");
  auto back = decode_heartbeat(json);
  REQUIRE(back.ok());
  CHECK(back->client_id == hb.client_id);
  CHECK(back->producer_groups == hb.producer_groups);
  REQUIRE(back->consumers.size() == 1);
  const ConsumerData& d = back->consumers[0];
  CHECK(d.consume_type == ConsumeType::actively);
  CHECK(d.message_model == MessageModel::broadcasting);
  CHECK(d.consume_from_where == ConsumeFromWhere::timestamp);
  REQUIRE(d.subscriptions.size() == 1);
  CHECK(d.subscriptions[0].tags_set == s.tags_set);
  CHECK(d.subscriptions[0].sub_version == 17);
}

TEST_CASE("heartbeat: enum names round-trip; unknown names are refused by the parsers") {
  for (auto t : {ConsumeType::actively, ConsumeType::passively, ConsumeType::pop}) {
    CHECK(parse_consume_type(consume_type_name(t)) == t);
  }
  for (int i = 0; i < 6; ++i) {
    const auto w = static_cast<ConsumeFromWhere>(i);
    CHECK(parse_consume_from_where(consume_from_where_name(w)) == w);
  }
  CHECK(parse_message_model("CLUSTERING") == MessageModel::clustering);
  CHECK_FALSE(parse_message_model("clustering").has_value());
}
