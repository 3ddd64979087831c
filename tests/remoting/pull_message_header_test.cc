// PullMessageRequestHeader both ways: what the broker accepts (required and optional fields, the
// error texts it answers with) and what the client writes, against frames of real clients.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "remoting/message_sysflag.h"
#include "remoting/pull_message_header.h"
#include "remoting/request_code.h"
#include "wire_testdata.h"

using namespace ringmq;
using namespace ringmq::remoting;
using ringmq::remoting::testing::first_request;

namespace {

// Every field set, optional ones included, none at its default.
PullMessageRequestHeader full_header() {
  return {.consumer_group = "CG",
          .topic = "%RETRY%CG",
          .queue_id = 3,
          .queue_offset = 1LL << 40,
          .max_msg_nums = 16,
          .sys_flag = pull_sysflag::kCommitOffset | pull_sysflag::kSuspend | pull_sysflag::kSubscription,
          .commit_offset = 77,
          .suspend_timeout_ms = 15000,
          .subscription = "TagA || TagB",
          .sub_version = 1795275369602,
          .expression_type = "SQL92",
          .max_msg_bytes = 65536};
}

std::vector<std::string> keys_of(const ExtFields& ext) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : ext.entries()) keys.push_back(k);
  return keys;
}

ExtFields written(const PullMessageRequestHeader& h) {
  ExtFields ext;
  write_pull_message_header(h, ext);
  return ext;
}

}  // namespace

TEST_CASE("pull header: build then parse gives the same header") {
  const PullMessageRequestHeader h = full_header();
  const ExtFields ext = written(h);
  CHECK(keys_of(ext) == std::vector<std::string>{"consumerGroup", "topic", "queueId", "queueOffset", "maxMsgNums",
                                                 "sysFlag", "commitOffset", "suspendTimeoutMillis", "subscription",
                                                 "subVersion", "expressionType", "maxMsgBytes"});
  CHECK(ext.get("queueOffset") == "1099511627776");
  CHECK(ext.get("sysFlag") == "7");
  CHECK(ext.get("maxMsgBytes") == "65536");
  auto parsed = parse_pull_message_header(ext);
  REQUIRE(parsed.ok());
  CHECK(*parsed == h);
}

TEST_CASE("pull header: without subscription and maxMsgBytes it is the keys ringmq's client always sent, in order") {
  PullMessageRequestHeader h = full_header();
  h.subscription.reset();
  h.max_msg_bytes.reset();
  h.expression_type = "TAG";
  const ExtFields ext = written(h);
  CHECK(keys_of(ext) == std::vector<std::string>{"consumerGroup", "topic", "queueId", "queueOffset", "maxMsgNums",
                                                 "sysFlag", "commitOffset", "suspendTimeoutMillis", "subVersion",
                                                 "expressionType"});
  CHECK(parse_pull_message_header(ext).value() == h);
}

TEST_CASE("pull header: absent optional fields take Java's defaults; an empty expressionType is TAG") {
  PullMessageRequestHeader h = full_header();
  ExtFields ext = written(h);
  ext.erase("subscription");
  ext.erase("subVersion");
  ext.erase("expressionType");
  ext.erase("maxMsgBytes");
  auto parsed = parse_pull_message_header(ext);
  REQUIRE(parsed.ok());
  CHECK_FALSE(parsed->subscription.has_value());
  CHECK(parsed->sub_version == 0);
  CHECK(parsed->expression_type == "TAG");
  CHECK_FALSE(parsed->max_msg_bytes.has_value());
  ext.set("expressionType", "");
  CHECK(parse_pull_message_header(ext)->expression_type == "TAG");
  ext.set("subscription", "");
  CHECK(parse_pull_message_header(ext)->subscription == "");
}

TEST_CASE("pull header: a missing required field or a bad number is an error naming it") {
  ExtFields ext = written(full_header());
  ext.erase("topic");
  auto h = parse_pull_message_header(ext);
  REQUIRE_FALSE(h.ok());
  CHECK(h.error().code == Errc::not_found);
  CHECK(h.error().detail == "header field 'topic' is missing");

  ext = written(full_header());
  ext.set("queueId", "x");
  h = parse_pull_message_header(ext);
  REQUIRE_FALSE(h.ok());
  CHECK(h.error().code == Errc::malformed);
  CHECK(h.error().detail == "header field 'queueId' = 'x' is not an int32");

  ext = written(full_header());
  ext.set("maxMsgBytes", "1e6");  // optional, but present and unparsable
  CHECK(parse_pull_message_header(ext).error().detail == "header field 'maxMsgBytes' = '1e6' is not an int32");
  ext = written(full_header());
  ext.set("subVersion", "");
  CHECK(parse_pull_message_header(ext).error().detail == "header field 'subVersion' = '' is not an int64");
}

TEST_CASE("pull header: a Java 4.9.4 PULL_MESSAGE frame parses, and writing it back gives the same bytes") {
  // 05c: benchmark.Consumer, ROCKETMQ header encoding, no subscription flag: sysFlag 2, TAG.
  const RemotingCommand captured =
      first_request("05c-java-push-consumers.jsonl", request_code::kPullMessage, "rocketmq");
  auto h = parse_pull_message_header(captured.ext_fields);
  REQUIRE(h.ok());
  const PullMessageRequestHeader expected{.consumer_group = "CG_bench",
                                          .topic = "TopicTest",
                                          .queue_id = 3,
                                          .queue_offset = 0,
                                          .max_msg_nums = 32,
                                          .sys_flag = pull_sysflag::kSuspend,
                                          .commit_offset = 0,
                                          .suspend_timeout_ms = 15000,
                                          .subscription = std::nullopt,
                                          .sub_version = 1795275485724,
                                          .expression_type = "TAG",
                                          .max_msg_bytes = std::nullopt};
  CHECK(*h == expected);
  testing::check_same_frame_with(captured, written(*h));
}

TEST_CASE("pull header: captured ali-ons and C++ pulls with the subscription flag parse to the values they carry") {
  // ali-ons: JSON numbers in extFields, subscription "*", no expressionType.
  const RemotingCommand alions = first_request("03-alions-consumer.jsonl", request_code::kPullMessage);
  auto a = parse_pull_message_header(alions.ext_fields);
  REQUIRE(a.ok());
  CHECK(a->consumer_group == "CG_alions");
  CHECK(a->topic == "TopicTest");
  CHECK(a->queue_id == 0);
  CHECK(a->max_msg_nums == 32);
  CHECK(a->sys_flag == (pull_sysflag::kSuspend | pull_sysflag::kSubscription));
  CHECK(a->suspend_timeout_ms == 15000);
  CHECK(a->subscription == "*");
  CHECK(a->sub_version == 1795275369602);
  CHECK(a->expression_type == "TAG");

  // C++: int32 fields as JSON numbers, int64 fields as strings, plus AccessKey/Signature.
  const RemotingCommand cpp = first_request("04-cpp-clients.jsonl", request_code::kPullMessage);
  auto c = parse_pull_message_header(cpp.ext_fields);
  REQUIRE(c.ok());
  CHECK(c->consumer_group == "CG_cpp");
  CHECK(c->queue_offset == 0);
  CHECK(c->sys_flag == 6);
  CHECK(c->subscription == "*");
  CHECK(c->sub_version == 1795275449635);
  CHECK_FALSE(c->max_msg_bytes.has_value());
}
