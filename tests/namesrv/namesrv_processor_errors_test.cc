// NamesrvProcessor on hand-built requests: every bad-input path answers an error and leaves the
// NameServer serving; slave replies, KV config, permissions, heartbeats, independent NameServers.
#include "namesrv/namesrv_processor.h"

#include <doctest/doctest.h>

#include "base/hash.h"
#include "namesrv/namesrv_codes.h"

namespace ringmq::namesrv {
namespace {

using remoting::RemotingCommand;

constexpr std::int64_t kNow = 1'795'275'133'590;

RemotingCommand request(std::int32_t code, std::initializer_list<std::pair<const char*, std::string>> fields,
                        std::string body = {}) {
  RemotingCommand cmd = RemotingCommand::request(code);
  cmd.opaque = 42;
  for (const auto& [key, value] : fields) cmd.ext_fields.set(key, value);
  cmd.body = std::move(body);
  return cmd;
}

std::string plain_body(std::int64_t counter, std::initializer_list<const char*> topics) {
  RegisterBrokerBody body;
  body.data_version = {counter, kNow, std::nullopt};
  for (const char* t : topics) body.topic_configs.push_back({t, 4, 4, 6, "SINGLE_TAG", 0, false});
  return protocol::encode_register_broker_body(body, false);
}

RemotingCommand register_request(std::string name, std::int64_t id, std::string addr, std::string ha,
                                 std::string body, bool compressed = false) {
  const std::string crc = std::to_string(crc32(body) & 0x7FFFFFFFu);  // before `body` is moved from
  return request(request_code::kRegisterBroker,
                 {{"brokerName", name}, {"brokerAddr", addr}, {"clusterName", "DefaultCluster"},
                  {"haServerAddr", ha}, {"brokerId", std::to_string(id)},
                  {"compressed", compressed ? "true" : "false"},
                  {"bodyCrc32", crc}},
                 std::move(body));
}

RemotingCommand route_request(std::string topic, std::int32_t version = 401) {
  RemotingCommand r = request(request_code::kGetRouteinfoByTopic, {{"topic", topic}});
  r.version = version;
  return r;
}

void check_system_error(const RemotingCommand& reply, std::string_view remark_part) {
  CHECK(reply.code == response_code::kSystemError);
  CHECK(reply.is_response());
  CHECK(reply.opaque == 42);
  REQUIRE(reply.remark.has_value());
  CHECK_MESSAGE(reply.remark->find(remark_part) != std::string::npos, *reply.remark);
}

TEST_CASE("namesrv_processor: a REGISTER_BROKER missing any required header field is a SYSTEM_ERROR") {
  NamesrvProcessor p;
  for (const char* field : {"brokerName", "brokerAddr", "clusterName", "haServerAddr", "brokerId"}) {
    CAPTURE(field);
    RemotingCommand r = register_request("broker-a", 0, "a:1", "a:2", plain_body(1, {"T"}));
    r.ext_fields.erase(field);
    check_system_error(p.process(r, 1, kNow), std::string("<") + field + ">");
  }
  CHECK(p.route_info_manager().live_broker_count() == 0);
}

TEST_CASE("namesrv_processor: bad header values are SYSTEM_ERRORs") {
  NamesrvProcessor p;
  RemotingCommand r = register_request("broker-a", 0, "a:1", "a:2", plain_body(1, {"T"}));
  SUBCASE("brokerId not a number") {
    r.ext_fields.set("brokerId", "zero");
    check_system_error(p.process(r, 1, kNow), "brokerId");
  }
  SUBCASE("negative brokerId") {
    r.ext_fields.set("brokerId", "-1");
    check_system_error(p.process(r, 1, kNow), "negative");
  }
  SUBCASE("bodyCrc32 not a number") {
    r.ext_fields.set("bodyCrc32", "0x12");
    check_system_error(p.process(r, 1, kNow), "bodyCrc32");
  }
  SUBCASE("empty brokerName") {
    r.ext_fields.set("brokerName", "");
    check_system_error(p.process(r, 1, kNow), "<brokerName> is empty");
  }
  CHECK(p.route_info_manager().live_broker_count() == 0);
}

TEST_CASE("namesrv_processor: a body that does not match bodyCrc32 is refused with Java's remark") {
  NamesrvProcessor p;
  RemotingCommand r = register_request("broker-a", 0, "a:1", "a:2", plain_body(1, {"T"}));
  r.body[5] ^= 0x01;
  const RemotingCommand reply = p.process(r, 1, kNow);
  CHECK(reply.code == response_code::kSystemError);
  CHECK(reply.remark == "crc32 not match");
  CHECK(p.route_info_manager().tables().find_topic("T") == nullptr);
}

TEST_CASE("namesrv_processor: garbage and truncated register bodies are SYSTEM_ERRORs, then serving goes on") {
  NamesrvProcessor p;
  const std::string compressed = [] {
    RegisterBrokerBody body;
    body.topic_configs.push_back({"T", 4, 4, 6, "SINGLE_TAG", 0, false});
    return protocol::encode_register_broker_body(body, true);
  }();
  SUBCASE("garbage plain body") {
    check_system_error(p.process(register_request("a", 0, "a:1", "h", "{{{garbage"), 1, kNow), "RegisterBrokerBody");
  }
  SUBCASE("truncated compressed body") {
    check_system_error(p.process(register_request("a", 0, "a:1", "h", compressed.substr(0, compressed.size() / 2), true),
                                 1, kNow),
                       "truncated");
  }
  SUBCASE("plain JSON flagged compressed") {
    check_system_error(p.process(register_request("a", 0, "a:1", "h", plain_body(1, {"T"}), true), 1, kNow), "zlib");
  }
  SUBCASE("a wrong-typed field") {
    check_system_error(
        p.process(register_request("a", 0, "a:1", "h", R"({"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"perm":"x"}}}})"),
                  1, kNow),
        "perm");
  }
  CHECK(p.route_info_manager().live_broker_count() == 0);
  // The NameServer keeps serving: a good register and a lookup work.
  CHECK(p.process(register_request("a", 0, "a:1", "h", compressed, true), 1, kNow).code == response_code::kSuccess);
  CHECK(p.process(route_request("T"), 2, kNow).code == response_code::kSuccess);
}

TEST_CASE("namesrv_processor: a compressed register (compressed=true) makes the same routes as a plain one") {
  NamesrvProcessor plain;
  NamesrvProcessor zipped;
  RegisterBrokerBody body;
  body.data_version = {3, kNow, std::nullopt};
  body.topic_configs.push_back({"T", 4, 2, 6, "SINGLE_TAG", 0, false});
  CHECK(plain.process(register_request("a", 0, "a:1", "h", protocol::encode_register_broker_body(body, false)), 1, kNow).code == 0);
  CHECK(zipped.process(register_request("a", 0, "a:1", "h", protocol::encode_register_broker_body(body, true), true), 1, kNow).code == 0);
  CHECK(plain.process(route_request("T"), 2, kNow).body == zipped.process(route_request("T"), 2, kNow).body);
}

TEST_CASE("namesrv_processor: other requests with missing fields or bad bodies are SYSTEM_ERRORs") {
  NamesrvProcessor p;
  check_system_error(p.process(request(request_code::kUnregisterBroker, {{"brokerName", "a"}}), 1, kNow), "<clusterName>");
  check_system_error(p.process(request(request_code::kQueryDataVersion,
                                       {{"brokerName", "a"}, {"brokerAddr", "a:1"}, {"clusterName", "c"}, {"brokerId", "0"}},
                                       "not json"),
                               1, kNow),
                     "DataVersion");
  check_system_error(p.process(request(request_code::kQueryDataVersion, {{"clusterName", "c"}}, "{}"), 1, kNow), "<brokerAddr>");
  check_system_error(p.process(request(request_code::kBrokerHeartbeat, {{"brokerAddr", "a:1"}}), 1, kNow), "<clusterName>");
  check_system_error(p.process(request(request_code::kGetRouteinfoByTopic, {}), 1, kNow), "<topic>");
  check_system_error(p.process(request(request_code::kGetTopicsByCluster, {}), 1, kNow), "<cluster>");
  check_system_error(p.process(request(request_code::kDeleteTopicInNamesrv, {}), 1, kNow), "<topic>");
  check_system_error(p.process(request(request_code::kWipeWritePermOfBroker, {}), 1, kNow), "<brokerName>");
  check_system_error(p.process(request(request_code::kAddWritePermOfBroker, {}), 1, kNow), "<brokerName>");
  check_system_error(p.process(request(request_code::kPutKvConfig, {{"namespace", "n"}, {"key", "k"}}), 1, kNow), "<value>");
  check_system_error(p.process(request(request_code::kGetKvConfig, {{"key", "k"}}), 1, kNow), "<namespace>");
  check_system_error(p.process(request(request_code::kDeleteKvConfig, {{"namespace", "n"}}), 1, kNow), "<key>");
  check_system_error(p.process(request(request_code::kGetKvlistByNamespace, {}), 1, kNow), "<namespace>");
}

TEST_CASE("namesrv_processor: an unknown code gets REQUEST_CODE_NOT_SUPPORTED") {
  NamesrvProcessor p;
  CHECK(!NamesrvProcessor::handles(10));
  CHECK(NamesrvProcessor::handles(request_code::kRegisterBroker));
  const RemotingCommand reply = p.process(request(10, {}), 1, kNow);
  CHECK(reply.code == response_code::kRequestCodeNotSupported);
}

TEST_CASE("namesrv_processor: a slave's register reply carries the master's address and HA address") {
  NamesrvProcessor p;
  const RemotingCommand master = p.process(register_request("broker-a", 0, "m:10911", "m:10912", plain_body(1, {"T"})), 1, kNow);
  CHECK(master.code == response_code::kSuccess);
  CHECK(master.has_ext_fields);
  CHECK(master.ext_fields.empty());
  const RemotingCommand slave = p.process(register_request("broker-a", 1, "s:10911", "s:10912", plain_body(1, {"T"})), 2, kNow);
  CHECK(slave.code == response_code::kSuccess);
  CHECK(slave.ext_fields.get("masterAddr") == "m:10911");
  CHECK(slave.ext_fields.get("haServerAddr") == "m:10912");

  RemotingCommand cluster = request(request_code::kGetBrokerClusterInfo, {});
  CHECK(p.process(cluster, 3, kNow).body.find(R"({0:"m:10911",1:"s:10911"})") != std::string::npos);
}

TEST_CASE("namesrv_processor: QUERY_DATA_VERSION says changed for an unknown broker or a new version") {
  NamesrvProcessor p;
  const auto query = [&](std::string body) {
    return p.process(request(request_code::kQueryDataVersion,
                             {{"brokerName", "a"}, {"brokerAddr", "a:1"}, {"clusterName", "c"}, {"brokerId", "0"}},
                             std::move(body)),
                     1, kNow);
  };
  RemotingCommand unknown = query(R"({"counter":1,"timestamp":5})");
  CHECK(unknown.ext_fields.get("changed") == "true");
  CHECK(unknown.body.empty());
  p.process(register_request("a", 0, "a:1", "h", plain_body(1, {"T"})), 1, kNow);
  const std::string stored = protocol::encode_data_version({1, kNow, std::nullopt});
  CHECK(query(stored).ext_fields.get("changed") == "false");
  const RemotingCommand newer = query(R"({"counter":2,"timestamp":5})");
  CHECK(newer.ext_fields.get("changed") == "true");
  CHECK(newer.body == stored);
}

TEST_CASE("namesrv_processor: BROKER_HEARTBEAT keeps a registered broker alive") {
  NamesrvProcessor p(NamesrvConfig{.broker_timeout_ms = 10'000});
  p.process(register_request("a", 0, "a:1", "h", plain_body(1, {"T"})), 1, kNow);
  const RemotingCommand hb = p.process(
      request(request_code::kBrokerHeartbeat, {{"clusterName", "DefaultCluster"}, {"brokerAddr", "a:1"}, {"brokerName", "a"}}),
      1, kNow + 8'000);
  CHECK(hb.code == response_code::kSuccess);
  CHECK(p.scan_not_active_brokers(kNow + 15'000).empty());
  CHECK(p.scan_not_active_brokers(kNow + 18'001).size() == 1);
}

TEST_CASE("namesrv_processor: a oneway REGISTER_BROKER still registers (the rpc layer drops the reply)") {
  NamesrvProcessor p;
  RemotingCommand r = register_request("a", 0, "a:1", "h", plain_body(1, {"T"}));
  r.flag = remoting::kFlagOneway;
  p.process(r, 1, kNow);
  CHECK(p.process(route_request("T"), 2, kNow).code == response_code::kSuccess);
}

TEST_CASE("namesrv_processor: closing the broker's connection drops its routes; other connections do nothing") {
  NamesrvProcessor p;
  p.process(register_request("a", 0, "a:1", "h", plain_body(1, {"T"})), 7, kNow);
  CHECK(p.on_connection_closed(8, kNow).empty());
  CHECK(p.process(route_request("T"), 8, kNow).code == response_code::kSuccess);
  CHECK(p.on_connection_closed(7, kNow).size() == 1);
  CHECK(p.process(route_request("T"), 8, kNow).code == response_code::kTopicNotExist);
}

TEST_CASE("namesrv_processor: two NameServers know nothing of each other") {
  NamesrvProcessor a;
  NamesrvProcessor b;
  CHECK(a.process(register_request("broker-a", 0, "a:1", "h", plain_body(1, {"OnlyA"})), 1, kNow).code == 0);
  CHECK(b.process(register_request("broker-b", 0, "b:1", "h", plain_body(1, {"OnlyB"})), 1, kNow).code == 0);
  CHECK(a.process(route_request("OnlyA"), 2, kNow).code == response_code::kSuccess);
  CHECK(a.process(route_request("OnlyB"), 2, kNow).code == response_code::kTopicNotExist);
  CHECK(b.process(route_request("OnlyA"), 2, kNow).code == response_code::kTopicNotExist);
  CHECK(a.process(request(request_code::kGetAllTopicListFromNameserver, {}), 2, kNow).body == R"({"topicList":["OnlyA"]})");
}

TEST_CASE("namesrv_processor: acceptStandardJsonOnly gives an old client quoted keys") {
  NamesrvProcessor p;
  p.process(register_request("a", 0, "a:1", "h", plain_body(1, {"T"})), 1, kNow);
  CHECK(p.process(route_request("T", 121), 2, kNow).body.find(R"({0:"a:1"})") != std::string::npos);
  RemotingCommand r = route_request("T", 121);
  r.ext_fields.set("acceptStandardJsonOnly", "TRUE");
  CHECK(p.process(r, 2, kNow).body.find(R"({"0":"a:1"})") != std::string::npos);
}

TEST_CASE("namesrv_processor: KV config put/get/list/delete, and the register reply carries ORDER_TOPIC_CONFIG") {
  NamesrvProcessor p;
  const auto kv = [&](std::int32_t code, std::initializer_list<std::pair<const char*, std::string>> f) {
    return p.process(request(code, f), 1, kNow);
  };
  CHECK(kv(request_code::kGetKvConfig, {{"namespace", "ORDER_TOPIC_CONFIG"}, {"key", "T"}}).code == response_code::kQueryNotFound);
  CHECK(kv(request_code::kGetKvlistByNamespace, {{"namespace", "ORDER_TOPIC_CONFIG"}}).code == response_code::kQueryNotFound);
  CHECK(kv(request_code::kPutKvConfig, {{"namespace", "ORDER_TOPIC_CONFIG"}, {"key", "T"}, {"value", "a:4"}}).code == 0);
  const RemotingCommand got = kv(request_code::kGetKvConfig, {{"namespace", "ORDER_TOPIC_CONFIG"}, {"key", "T"}});
  CHECK(got.code == response_code::kSuccess);
  CHECK(got.ext_fields.get("value") == "a:4");
  CHECK(kv(request_code::kGetKvlistByNamespace, {{"namespace", "ORDER_TOPIC_CONFIG"}}).body == R"({"table":{"T":"a:4"}})");
  CHECK(p.process(register_request("a", 0, "a:1", "h", plain_body(1, {"T"})), 1, kNow).body == R"({"table":{"T":"a:4"}})");
  CHECK(kv(request_code::kDeleteKvConfig, {{"namespace", "ORDER_TOPIC_CONFIG"}, {"key", "T"}}).code == 0);
  CHECK(kv(request_code::kGetKvConfig, {{"namespace", "ORDER_TOPIC_CONFIG"}, {"key", "T"}}).code == response_code::kQueryNotFound);
  CHECK(p.kv_config_manager().to_json() == R"({"configTable":{"ORDER_TOPIC_CONFIG":{}}})");
}

TEST_CASE("namesrv_processor: kvConfig.json round-trips and bad files are refused") {
  KvConfigManager kv;
  kv.put("ns", "k", "v");
  KvConfigManager loaded;
  REQUIRE(loaded.load_json(kv.to_json()).ok());
  CHECK(*loaded.get("ns", "k") == "v");
  CHECK(!loaded.load_json("[]").ok());
  CHECK(!loaded.load_json(R"({"configTable":{"ns":{"k":1}}})").ok());
  CHECK(*loaded.get("ns", "k") == "v");  // a failed load leaves the contents alone
}

TEST_CASE("namesrv_processor: wipe/add write perm answer the topic counts; topic admin and lists") {
  NamesrvProcessor p;
  p.process(register_request("a", 0, "a:1", "h", plain_body(1, {"T", "U"})), 1, kNow);
  const RemotingCommand wipe = p.process(request(request_code::kWipeWritePermOfBroker, {{"brokerName", "a"}}), 1, kNow);
  CHECK(wipe.ext_fields.get("wipeTopicCount") == "2");
  CHECK(p.process(route_request("T"), 2, kNow).body.find(R"("perm":4)") != std::string::npos);
  const RemotingCommand add = p.process(request(request_code::kAddWritePermOfBroker, {{"brokerName", "a"}}), 1, kNow);
  CHECK(add.ext_fields.get("addTopicCount") == "2");
  CHECK(p.process(request(request_code::kGetTopicsByCluster, {{"cluster", "DefaultCluster"}}), 1, kNow).body ==
        R"({"topicList":["T","U"]})");
  CHECK(p.process(request(request_code::kGetSystemTopicListFromNs, {}), 1, kNow).body ==
        R"({"brokerAddr":"a:1","topicList":["DefaultCluster","a"]})");
  CHECK(p.process(request(request_code::kDeleteTopicInNamesrv, {{"topic", "T"}}), 1, kNow).code == 0);
  CHECK(p.process(route_request("T"), 2, kNow).code == response_code::kTopicNotExist);
  CHECK(p.process(request(request_code::kDeleteTopicInNamesrv, {{"topic", "U"}, {"clusterName", "DefaultCluster"}}), 1, kNow).code == 0);
  CHECK(p.process(request(request_code::kGetAllTopicListFromNameserver, {}), 1, kNow).body == R"({"topicList":[]})");
}

TEST_CASE("namesrv_processor: route queries are served from a snapshot on another core") {
  NamesrvProcessor p;
  p.process(register_request("a", 0, "a:1", "h", plain_body(1, {"T"})), 1, kNow);
  const auto snapshot = p.route_info_manager().snapshot();
  CHECK(NamesrvProcessor::is_route_query(request_code::kGetRouteinfoByTopic));
  CHECK(!NamesrvProcessor::is_route_query(request_code::kRegisterBroker));
  const RemotingCommand r = route_request("T");
  CHECK(NamesrvProcessor::process_route_query(r, *snapshot, p.config(), nullptr).body == p.process(r, 2, kNow).body);
}

}  // namespace
}  // namespace ringmq::namesrv
