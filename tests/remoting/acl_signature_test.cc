// ACL 1.0 signatures against vectors from two independent sources:
// - frames signed by RocketMQ 4.9.4's own AclClientRPCHook (rocketmq-acl-4.9.4.jar, run once on
//   Java 17: the request built with the Java header classes, doBeforeRequest, extFields printed);
// - `printf CONTENT | openssl dgst -sha1 -hmac KEY -binary | base64` for the raw HMAC/Base64 step.
#include <doctest/doctest.h>

#include "remoting/acl_signature.h"
#include "remoting/request_code.h"

namespace ringmq::remoting {

namespace {

// The SEND_MESSAGE_V2 the Java client signed with RocketMQ/12345678 (body "hello acl").
RemotingCommand java_send_v2_unsigned() {
  RemotingCommand c = RemotingCommand::request(request_code::kSendMessageV2);
  auto& e = c.ext_fields;
  e.append("a", "pg_acl");
  e.append("b", "topicB");
  e.append("c", "TBW102");
  e.append("d", "4");
  e.append("e", "1");
  e.append("f", "0");
  e.append("g", "1700000000000");
  e.append("h", "0");
  e.append("i", "UNIQ_KEY\x01" "ABC\x02WAIT\x01true\x02");
  e.append("j", "0");
  e.append("k", "false");
  e.append("m", "false");
  c.body = "hello acl";
  return c;
}

}  // namespace

TEST_CASE("acl_signature: HMAC-SHA1 in Base64 equals openssl's") {
  CHECK(acl_signature("RocketMQgroup1topicBTBW102hello", "12345678") == "Ehf34SJwfvxXGPhn15l0Lo0VAQA=");
  CHECK(acl_signature("", "12345678") == "beQgVA0KNM4WtCe68fj2DEn3WWU=");
  CHECK(acl_signature("rocketmq2TopicTest", "12345678") == "GeeGoP9mRvDhoVp4PD5omX0prgE=");
}

TEST_CASE("acl_signature: content is the values sorted by key, then the body") {
  ExtFields e;
  e.append("c", "TBW102");
  e.append("AccessKey", "RocketMQ");
  e.append("b", "topicB");
  e.append("a", "group1");
  CHECK(acl_signed_content(e, "hello") == "RocketMQgroup1topicBTBW102hello");
}

TEST_CASE("acl_signature: Signature and _UNIQUE_KEY_QUERY are not signed; a repeated key counts once, last wins") {
  ExtFields e;
  e.append("b", "old");
  e.append("Signature", "zzz");
  e.append("_UNIQUE_KEY_QUERY", "true");
  e.append("a", "1");
  e.append("b", "new");
  CHECK(acl_signed_content(e, "") == "1new");
}

TEST_CASE("acl_signature: the incremental signature equals the one over the copied content") {
  ExtFields e;
  e.append("c", "TBW102");
  e.append("AccessKey", "RocketMQ");
  e.append("Signature", "ignored");
  CHECK(acl_request_signature(e, "hello", "12345678") == acl_signature(acl_signed_content(e, "hello"), "12345678"));
  CHECK(acl_request_signature(e, "", "") == acl_signature(acl_signed_content(e, ""), ""));
  CHECK(acl_request_signature(ExtFields{}, "", "12345678") == "beQgVA0KNM4WtCe68fj2DEn3WWU=");
}

TEST_CASE("acl_signature: a SEND_MESSAGE_V2 signs exactly as RocketMQ 4.9.4's AclClientRPCHook") {
  RemotingCommand c = java_send_v2_unsigned();
  acl_sign_request(c, AclCredentials{"RocketMQ", "12345678", ""});
  CHECK(c.ext_fields.get("AccessKey") == "RocketMQ");
  CHECK(c.ext_fields.get("Signature") == "4Sfqmw5kGd2QVPDp/aNEVR7u2oU=");
  CHECK_FALSE(c.ext_fields.contains("SecurityToken"));
}

TEST_CASE("acl_signature: a PULL_MESSAGE with a security token signs as the Java client") {
  RemotingCommand c = RemotingCommand::request(request_code::kPullMessage);
  auto& e = c.ext_fields;
  e.append("consumerGroup", "groupB");
  e.append("topic", "topicB");
  e.append("queueId", "0");
  e.append("queueOffset", "5");
  e.append("maxMsgNums", "32");
  e.append("sysFlag", "2");
  e.append("commitOffset", "0");
  e.append("suspendTimeoutMillis", "15000");
  e.append("subscription", "*");
  e.append("subVersion", "1");
  acl_sign_request(c, AclCredentials{"rocketmq2", "12345678", "tok123"});
  CHECK(c.ext_fields.get("SecurityToken") == "tok123");
  CHECK(c.ext_fields.get("Signature") == "TrhiidpwlePLnpffz3y0WD+wu0A=");
}

TEST_CASE("acl_signature: a HEART_BEAT signs its body") {
  RemotingCommand c = RemotingCommand::request(request_code::kHeartBeat);
  c.body = R"({"clientID":"x"})";
  acl_sign_request(c, AclCredentials{"RocketMQ", "12345678", ""});
  CHECK(c.ext_fields.get("Signature") == "SC9kzFTBVLXXAqxyRji08hY5LG4=");
}

TEST_CASE("acl_signature: signing twice replaces the signature instead of signing it") {
  RemotingCommand c = java_send_v2_unsigned();
  acl_sign_request(c, AclCredentials{"RocketMQ", "12345678", ""});
  acl_sign_request(c, AclCredentials{"RocketMQ", "12345678", ""});
  CHECK(c.ext_fields.get("Signature") == "4Sfqmw5kGd2QVPDp/aNEVR7u2oU=");
}

TEST_CASE("acl_signature: without an access key nothing is added") {
  RemotingCommand c = java_send_v2_unsigned();
  acl_sign_request(c, AclCredentials{});
  CHECK_FALSE(c.ext_fields.contains("AccessKey"));
  CHECK_FALSE(c.ext_fields.contains("Signature"));
}

}  // namespace ringmq::remoting
