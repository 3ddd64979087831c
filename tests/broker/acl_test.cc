// ACL 1.0 on the broker: plain_acl.yml parsing, permissions, remote-address patterns, and the
// validator's decisions with the remarks RocketMQ 4.9.4 answers.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <unistd.h>

#include "broker/acl/acl_service.h"
#include "broker/acl/permission.h"
#include "broker/acl/plain_access_validator.h"
#include "broker/acl/plain_acl_config.h"
#include "broker/acl/remote_address.h"
#include "remoting/acl_signature.h"
#include "remoting/request_code.h"

namespace ringmq::broker::acl {

namespace req = remoting::request_code;

namespace {

// RocketMQ 4.9.4's distribution conf/plain_acl.yml, with a third account.
constexpr const char* kSampleYaml = R"(
globalWhiteRemoteAddresses:
  - 10.10.103.*
  - 192.168.0.*

accounts:
  - accessKey: RocketMQ
    secretKey: 12345678
    whiteRemoteAddress:
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - topicA=DENY
      - topicB=PUB|SUB
      - topicC=SUB
    groupPerms:
      # the group should convert to retry topic
      - groupA=DENY
      - groupB=PUB|SUB
      - groupC=SUB

  - accessKey: rocketmq2
    secretKey: 12345678
    whiteRemoteAddress: 192.168.1.*
    # if it is admin, it could access all resources
    admin: true

  - accessKey: producer1
    secretKey: secret-of-producer1
    defaultTopicPerm: PUB
)";

PlainAccessValidator sample_validator() {
  auto config = parse_plain_acl(kSampleYaml);
  REQUIRE(config.ok());
  return PlainAccessValidator(std::make_shared<const PlainAclConfig>(std::move(config).value()));
}

remoting::RemotingCommand signed_request(std::int32_t code, std::initializer_list<std::pair<const char*, const char*>> ext,
                                         const char* ak, const char* sk, std::string body = "") {
  auto c = remoting::RemotingCommand::request(code);
  for (const auto& [k, v] : ext) c.ext_fields.append(k, v);
  c.has_ext_fields = true;
  c.body = std::move(body);
  remoting::acl_sign_request(c, remoting::AclCredentials{ak, sk, ""});
  return c;
}

const std::string kPrefix = "org.apache.rocketmq.acl.common.AclException: ";
const std::string kValidate = "org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:";
const std::string kCheckPerm = "org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:";

}  // namespace

TEST_CASE("plain_acl: the sample file of RocketMQ 4.9.4 parses") {
  auto config = parse_plain_acl(kSampleYaml);
  REQUIRE(config.ok());
  CHECK(config->global_white.size() == 2);
  REQUIRE(config->accounts.size() == 3);
  const PlainAccount& a = config->accounts.at("RocketMQ");
  CHECK(a.secret_key == "12345678");
  CHECK_FALSE(a.admin);
  CHECK(a.default_topic_perm == kPermDeny);
  CHECK(a.default_group_perm == kPermSub);
  CHECK(a.resource_perms.at("topicB") == (kPermPub | kPermSub));
  CHECK(a.resource_perms.at("%RETRY%groupA") == kPermDeny);
  CHECK(a.has_resource_perms);
  const PlainAccount& b = config->accounts.at("rocketmq2");
  CHECK(b.admin);
  CHECK_FALSE(b.has_resource_perms);
  CHECK(b.default_topic_perm == kPermDeny);  // absent = DENY
  CHECK(b.white.matches("192.168.1.77"));
}

TEST_CASE("plain_acl: an empty file is an empty config") {
  auto config = parse_plain_acl("");
  REQUIRE(config.ok());
  CHECK(config->accounts.empty());
  CHECK(config->global_white.empty());
}

TEST_CASE("plain_acl: keys of 6 characters or fewer are refused with RocketMQ's words") {
  auto config = parse_plain_acl("accounts:\n  - accessKey: short\n    secretKey: 12345678\n");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().detail ==
        "The accessKey=short and secretKey=12345678 cannot be null and length should longer than 6");
}

TEST_CASE("plain_acl: a resource permission without '=' is refused") {
  auto config = parse_plain_acl("accounts:\n  - accessKey: RocketMQ\n    secretKey: 12345678\n    topicPerms:\n      - topicA\n");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().detail == "Parse resource permission failed for topic:topicA");
}

TEST_CASE("plain_acl: text that is not YAML is refused") {
  CHECK_FALSE(parse_plain_acl("accounts: [unclosed").ok());
  CHECK_FALSE(parse_plain_acl("- just\n- a list\n").ok());
}

TEST_CASE("permission: spellings and checks follow Permission.java") {
  CHECK(parse_perm("PUB") == kPermPub);
  CHECK(parse_perm(" SUB ") == kPermSub);
  CHECK(parse_perm("PUB|SUB") == 12);
  CHECK(parse_perm("SUB|PUB") == 12);
  CHECK(parse_perm("DENY") == kPermDeny);
  CHECK(parse_perm("pub") == kPermDeny);
  CHECK(parse_perm("") == kPermDeny);
  CHECK(check_permission(kPermPub, kPermPub | kPermSub));
  CHECK_FALSE(check_permission(kPermPub, kPermSub));
  CHECK_FALSE(check_permission(kPermSub, kPermDeny | kPermSub));
  CHECK(check_permission(kPermAny, kPermSub));
  CHECK_FALSE(check_permission(kPermAny, kPermDeny));
  CHECK(needs_admin(req::kUpdateAndCreateTopic));
  CHECK(needs_admin(req::kDeleteSubscriptiongroup));
  CHECK_FALSE(needs_admin(req::kSendMessageV2));
}

TEST_CASE("remote_address: every pattern form of RemoteAddressStrategyFactory") {
  auto p = [](const char* s) {
    auto r = RemoteAddressPattern::parse(s);
    REQUIRE(r.ok());
    return std::move(r).value();
  };
  CHECK_FALSE(p("").matches("127.0.0.1"));
  CHECK(p("*").matches("1.2.3.4"));
  CHECK(p("*.*.*.*").matches("1.2.3.4"));
  CHECK(p("127.0.0.1").matches("127.0.0.1"));
  CHECK_FALSE(p("127.0.0.1").matches("127.0.0.2"));
  CHECK(p("192.168.0.*").matches("192.168.0.200"));
  CHECK_FALSE(p("192.168.0.*").matches("192.168.1.200"));
  CHECK(p("10.1.*.*").matches("10.1.77.3"));
  CHECK(p("192.168.1.1-100").matches("192.168.1.100"));
  CHECK_FALSE(p("192.168.1.1-100").matches("192.168.1.101"));
  CHECK(p("192.168.1-3.*").matches("192.168.3.9"));
  CHECK(p("192.168.0.{1,2,30}").matches("192.168.0.30"));
  CHECK_FALSE(p("192.168.0.{1,2,30}").matches("192.168.0.3"));
  CHECK(p("1.1.1.1,2.2.2.2").matches("2.2.2.2"));
  CHECK_FALSE(RemoteAddressPattern::parse("192.168.*.1").ok());
  CHECK_FALSE(RemoteAddressPattern::parse("192.168.1.300-400").ok());
  CHECK(peer_ip("127.0.0.1:54321") == "127.0.0.1");
}

TEST_CASE("remote_address: IPv6 patterns as AclUtils and RemoteAddressStrategyFactory read them") {
  auto p = [](const char* s) {
    auto r = RemoteAddressPattern::parse(s);
    REQUIRE_MESSAGE(r.ok(), s);
    return std::move(r).value();
  };
  // One address, compared by value, not by spelling.
  CHECK(p("::1").matches("0:0:0:0:0:0:0:1"));
  CHECK(p("FE80::AB:1").matches("fe80:0:0:0:0:0:ab:1"));
  CHECK_FALSE(p("::1").matches("::2"));
  CHECK_FALSE(p("::1").matches("127.0.0.1"));
  CHECK(p("*:*:*:*:*:*:*:*").matches("2001:db8::1"));
  // A list of addresses, IPv4 and IPv6 mixed, and the {a,b} form on the last group.
  CHECK(p("1.1.1.1,::1").matches("0::1"));
  CHECK(p("1.1.1.1,::1").matches("1.1.1.1"));
  CHECK(p("fe80::1:{1,2,ff}").matches("fe80::1:ff"));
  CHECK_FALSE(p("fe80::1:{1,2,ff}").matches("fe80::1:3"));
  // '*' on the last group: the groups before it are a prefix of 7 when "::" is in it.
  CHECK(p("5::7:6:*").matches("5:0:0:0:0:7:6:abcd"));
  CHECK_FALSE(p("5::7:6:*").matches("5:0:0:0:7:6:0:1"));
  // Without "::" the prefix is as written: "5:7:6:*" is every address starting 5:7:6.
  CHECK(p("5:7:6:*").matches("5:7:6:1:2:3:4:5"));
  CHECK_FALSE(p("5:7:6:*").matches("5:7:7:1:2:3:4:5"));
  // A hex range on the last group, or on the one before a final '*'.
  CHECK(p("2::ac5:78:1-200").matches("2::ac5:78:200"));
  CHECK(p("2::ac5:78:1-200").matches("2:0:0:0:0:ac5:78:1"));
  CHECK_FALSE(p("2::ac5:78:1-200").matches("2::ac5:78:201"));
  CHECK(p("2::ac5:78:1-200:*").matches("2:0:0:0:ac5:78:1ff:ffff"));
  CHECK_FALSE(p("2::ac5:78:1-200:*").matches("2::ac5:78:201:0"));
  CHECK_FALSE(p("2::ac5:78:1-200:*").matches("2.0.0.1"));
  // An IPv4-mapped peer is matched as the IPv4 address Java would see.
  CHECK(p("127.0.0.*").matches("::ffff:127.0.0.9"));
  CHECK(p("10.0.0.1").matches("::FFFF:10.0.0.1"));
  // Refused as IPv6AddressCheck and the strategies refuse them.
  CHECK_FALSE(RemoteAddressPattern::parse("2::*:78").ok());          // '*' not last
  CHECK_FALSE(RemoteAddressPattern::parse("2::1-5:78").ok());        // range not in the last group
  CHECK_FALSE(RemoteAddressPattern::parse("2::1-5:78:*").ok());      // nor in the one before ":*"
  CHECK_FALSE(RemoteAddressPattern::parse("2::ac5:200-1").ok());     // low above high
  CHECK_FALSE(RemoteAddressPattern::parse("2::ac5:1-10000").ok());   // more than 16 bits
  CHECK_FALSE(RemoteAddressPattern::parse("1:2:3:4:5:6:7:8:*").ok());  // no group left for '*'
  CHECK_FALSE(RemoteAddressPattern::parse("fe80::1:{1,xyzzy}").ok());
  CHECK_FALSE(RemoteAddressPattern::parse("::1,not-an-ip").ok());
  CHECK_FALSE(RemoteAddressPattern::parse("1:::2").ok());
  CHECK_FALSE(RemoteAddressPattern::parse("localhost").ok());
  CHECK(peer_ip("[::1]:10911") == "::1");
  CHECK(peer_ip("[fe80::1]:5") == "fe80::1");
}

TEST_CASE("validator: an unsigned request is refused 'No accessKey is configured'") {
  auto v = sample_validator();
  auto c = remoting::RemotingCommand::request(req::kGetAllTopicConfig);
  auto refusal = v.check(c, "127.0.0.1:40000");
  REQUIRE(refusal);
  CHECK(*refusal == kPrefix + "No accessKey is configured, " + kValidate + "663)");
}

TEST_CASE("validator: a peer in globalWhiteRemoteAddresses needs no signature") {
  auto v = sample_validator();
  auto c = remoting::RemotingCommand::request(req::kUpdateAndCreateTopic);
  CHECK_FALSE(v.check(c, "10.10.103.7:40000"));
  CHECK(v.check(c, "10.10.104.7:40000"));
}

TEST_CASE("validator: an unknown access key is refused 'No acl config for'") {
  auto v = sample_validator();
  auto c = signed_request(req::kSendMessageV2, {{"a", "g"}, {"b", "topicB"}}, "nobody123", "12345678");
  CHECK(v.check(c, "127.0.0.1:1") == kPrefix + "No acl config for nobody123, " + kValidate + "667)");
}

TEST_CASE("validator: a wrong secret or a changed field fails the signature") {
  auto v = sample_validator();
  auto c = signed_request(req::kSendMessageV2, {{"a", "g"}, {"b", "topicB"}}, "RocketMQ", "wrong-secret");
  const std::string failed = kPrefix + "Check signature failed for accessKey=RocketMQ, " + kValidate + "683)";
  CHECK(v.check(c, "127.0.0.1:1") == failed);
  auto tampered = signed_request(req::kSendMessageV2, {{"a", "g"}, {"b", "topicB"}}, "RocketMQ", "12345678", "body");
  CHECK_FALSE(v.check(tampered, "127.0.0.1:1"));
  tampered.body = "bodx";
  CHECK(v.check(tampered, "127.0.0.1:1") == failed);
}

TEST_CASE("validator: send needs PUB on the topic; DENY and a DENY default refuse") {
  auto v = sample_validator();
  CHECK_FALSE(v.check(signed_request(req::kSendMessageV2, {{"a", "g"}, {"b", "topicB"}}, "RocketMQ", "12345678"), "127.0.0.1:1"));
  CHECK(v.check(signed_request(req::kSendMessageV2, {{"a", "g"}, {"b", "topicA"}}, "RocketMQ", "12345678"), "127.0.0.1:1") ==
        kPrefix + "No default permission for topic:topicA, " + kCheckPerm + "610)");
  CHECK(v.check(signed_request(req::kSendMessageV2, {{"a", "g"}, {"b", "topicC"}}, "RocketMQ", "12345678"), "127.0.0.1:1") ==
        kPrefix + "No default permission for topic:topicC, " + kCheckPerm + "610)");
  CHECK(v.check(signed_request(req::kSendMessage, {{"producerGroup", "g"}, {"topic", "other"}}, "RocketMQ", "12345678"),
                "127.0.0.1:1") == kPrefix + "No default permission for topic:other, " + kCheckPerm + "605)");
  CHECK_FALSE(v.check(signed_request(req::kSendMessage, {{"topic", "any"}}, "producer1", "secret-of-producer1"), "127.0.0.1:1"));
}

TEST_CASE("validator: a send to a retry topic needs SUB on the group instead") {
  auto v = sample_validator();
  CHECK_FALSE(v.check(signed_request(req::kSendMessageV2, {{"a", "groupC"}, {"b", "%RETRY%groupC"}}, "RocketMQ", "12345678"),
                      "127.0.0.1:1"));
  CHECK(v.check(signed_request(req::kSendMessageV2, {{"a", "groupA"}, {"b", "%RETRY%groupA"}}, "RocketMQ", "12345678"),
                "127.0.0.1:1") == kPrefix + "No default permission for group:groupA, " + kCheckPerm + "610)");
}

TEST_CASE("validator: pull needs SUB on topic and group; the refusal names what Java's HashMap meets first") {
  auto v = sample_validator();
  CHECK_FALSE(v.check(signed_request(req::kPullMessage, {{"consumerGroup", "groupB"}, {"topic", "topicB"}}, "RocketMQ", "12345678"),
                      "127.0.0.1:1"));
  // Java iterates {topicA, %RETRY%groupA} in this order (checked with java.util.HashMap).
  CHECK(v.check(signed_request(req::kPullMessage, {{"consumerGroup", "groupA"}, {"topic", "topicA"}}, "RocketMQ", "12345678"),
                "127.0.0.1:1") == kPrefix + "No default permission for topic:topicA, " + kCheckPerm + "610)");
  // ... and {%RETRY%g1, t1} in this one.
  CHECK(v.check(signed_request(req::kPullMessage, {{"consumerGroup", "g1"}, {"topic", "t1"}}, "producer1", "secret-of-producer1"),
                "127.0.0.1:1") == kPrefix + "No default permission for group:g1, " + kCheckPerm + "605)");
}

TEST_CASE("validator: admin codes need admin: true; an admin with no lists may do anything") {
  auto v = sample_validator();
  auto create = [](const char* ak) {
    return signed_request(req::kUpdateAndCreateTopic, {{"topic", "newTopic"}, {"perm", "6"}}, ak, "12345678");
  };
  CHECK(v.check(create("RocketMQ"), "127.0.0.1:1") ==
        kPrefix + "Need admin permission for request code=17, but accessKey=RocketMQ is not, " + kCheckPerm + "580)");
  CHECK_FALSE(v.check(create("rocketmq2"), "127.0.0.1:1"));
  CHECK_FALSE(v.check(signed_request(req::kPullMessage, {{"consumerGroup", "x"}, {"topic", "y"}}, "rocketmq2", "12345678"),
                      "127.0.0.1:1"));
}

TEST_CASE("validator: an account's whiteRemoteAddress skips the signature") {
  auto v = sample_validator();
  auto c = signed_request(req::kUpdateAndCreateTopic, {{"topic", "t"}}, "rocketmq2", "not-the-secret");
  CHECK_FALSE(v.check(c, "192.168.1.5:1"));
  CHECK(v.check(c, "192.168.2.5:1"));
}

TEST_CASE("validator: heartbeat needs SUB on each consumer group and subscribed topic") {
  auto v = sample_validator();
  const std::string body =
      R"({"clientID":"c1","producerDataSet":[],"consumerDataSet":[{"groupName":"groupC","consumeType":"CONSUME_PASSIVELY",)"
      R"("messageModel":"CLUSTERING","consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","unitMode":false,)"
      R"("subscriptionDataSet":[{"topic":"topicA","subString":"*","tagsSet":[],"codeSet":[],"subVersion":1,"classFilterMode":false,"expressionType":"TAG"}]}]})";
  CHECK(v.check(signed_request(req::kHeartBeat, {}, "RocketMQ", "12345678", body), "127.0.0.1:1") ==
        kPrefix + "No default permission for topic:topicA, " + kCheckPerm + "610)");
}

TEST_CASE("validator: a heartbeat body that does not parse is refused from parse") {
  auto v = sample_validator();
  auto refusal = v.check(signed_request(req::kHeartBeat, {}, "RocketMQ", "12345678", "{notjson"), "127.0.0.1:1");
  REQUIRE(refusal);
  CHECK(refusal->starts_with(kPrefix));
  CHECK(refusal->ends_with(", org.apache.rocketmq.acl.plain.PlainAccessValidator.parse(PlainAccessValidator.java:134)"));
}

TEST_CASE("validator: absent header fields name no resource, as 4.9.4's lenient decoding") {
  auto v = sample_validator();
  CHECK_FALSE(v.check(signed_request(req::kGetConsumerListByGroup, {}, "RocketMQ", "12345678"), "127.0.0.1:1"));
  CHECK(v.check(signed_request(req::kUpdateConsumerOffset, {{"consumerGroup", "groupB"}, {"topic", "topicA"}}, "RocketMQ",
                               "12345678"),
                "127.0.0.1:1") == kPrefix + "No default permission for topic:topicA, " + kCheckPerm + "610)");
}

TEST_CASE("validator: a PUB on RMQ_SYS_TRACE_TOPIC skips the topic permissions") {
  auto v = sample_validator();
  CHECK_FALSE(v.check(signed_request(req::kSendMessageV2, {{"a", "g"}, {"b", "RMQ_SYS_TRACE_TOPIC"}}, "RocketMQ", "12345678"),
                      "127.0.0.1:1"));
}

TEST_CASE("acl_service: a changed file is reloaded; a broken one keeps the old rules") {
  const std::string path = "/tmp/ringmq_acl_test_" + std::to_string(::getpid()) + ".yml";
  {
    std::ofstream(path) << kSampleYaml;
  }
  auto loaded = load_acl(path);
  REQUIRE(loaded.ok());
  AclService service(path, *loaded);
  auto by_new_key = signed_request(req::kSendMessage, {{"topic", "t"}}, "newcomer1", "newsecret1");
  CHECK(service.check(by_new_key, "127.0.0.1:1"));
  CHECK_FALSE(service.poll());  // unchanged
  {
    std::ofstream(path) << "accounts:\n  - accessKey: newcomer1\n    secretKey: newsecret1\n    defaultTopicPerm: PUB\n";
  }
  CHECK(service.poll());
  CHECK_FALSE(service.check(by_new_key, "127.0.0.1:1"));
  {
    std::ofstream(path) << "accounts: [broken\n";
  }
  CHECK_FALSE(service.poll());
  CHECK_FALSE(service.check(by_new_key, "127.0.0.1:1"));
  CHECK(service.reloads() == 1);
  std::remove(path.c_str());
}

TEST_CASE("acl_service: files under conf/acl/ are merged with plain_acl.yml; a new one is picked up") {
  const std::string root = "/tmp/ringmq_acl_dir_test_" + std::to_string(::getpid());
  const std::string conf = root + "/conf";
  std::filesystem::create_directories(conf + "/acl/team");
  const std::string main_file = conf + "/plain_acl.yml";
  // The main file and conf/acl/a.yml both define "shared1": the file read first (conf/acl/, in
  // name order, before the main file) keeps it, as PlainPermissionManager.load() does.
  std::ofstream(main_file) << "globalWhiteRemoteAddresses: [10.0.0.1]\naccounts:\n"
                              "  - accessKey: mainkey1\n    secretKey: mainsecret\n    defaultTopicPerm: PUB\n"
                              "  - accessKey: shared1\n    secretKey: main-secret\n    defaultTopicPerm: PUB\n";
  std::ofstream(conf + "/acl/a.yml") << "accounts:\n  - accessKey: shared1\n    secretKey: dir-secret\n"
                                        "    defaultTopicPerm: PUB\n";
  std::ofstream(conf + "/acl/team/b.yaml") << "globalWhiteRemoteAddresses: ['fe80::1:*']\n";
  std::ofstream(conf + "/acl/notes.txt") << "not an ACL file: [";
  auto loaded = load_acl(main_file);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().to_string()));
  CHECK(loaded->stamps.size() == 3);
  CHECK(loaded->stamps.back().first == main_file);
  AclService service(main_file, *loaded);
  auto send = [](const char* ak, const char* sk) { return signed_request(req::kSendMessage, {{"topic", "t"}}, ak, sk); };
  CHECK_FALSE(service.check(send("mainkey1", "mainsecret"), "127.0.0.1:1"));
  CHECK_FALSE(service.check(send("shared1", "dir-secret"), "127.0.0.1:1"));
  CHECK(service.check(send("shared1", "main-secret"), "127.0.0.1:1"));
  // White lists of every file: the main one's and the nested conf/acl/team/b.yaml's.
  auto unsigned_send = remoting::RemotingCommand::request(req::kSendMessage);
  CHECK_FALSE(service.check(unsigned_send, "10.0.0.1:5"));
  CHECK_FALSE(service.check(unsigned_send, "[fe80::1:77]:5"));
  CHECK(service.check(unsigned_send, "10.0.0.2:5"));
  // A file added to conf/acl/ is a change: its account is in force after the next poll.
  CHECK(service.check(send("latecomer", "late-secret"), "127.0.0.1:1"));
  CHECK_FALSE(service.poll());
  std::ofstream(conf + "/acl/c.yml") << "accounts:\n  - accessKey: latecomer\n    secretKey: late-secret\n"
                                        "    defaultTopicPerm: PUB\n";
  CHECK(service.poll());
  CHECK_FALSE(service.check(send("latecomer", "late-secret"), "127.0.0.1:1"));
  // A broken extra file keeps the rules in force; removing it is a change again.
  std::ofstream(conf + "/acl/d.yml") << "accounts: [broken\n";
  CHECK_FALSE(service.poll());
  CHECK_FALSE(service.check(send("latecomer", "late-secret"), "127.0.0.1:1"));
  std::filesystem::remove(conf + "/acl/d.yml");
  std::filesystem::remove(conf + "/acl/c.yml");
  CHECK(service.poll());
  CHECK(service.check(send("latecomer", "late-secret"), "127.0.0.1:1"));
  std::filesystem::remove_all(root);
}

}  // namespace ringmq::broker::acl
