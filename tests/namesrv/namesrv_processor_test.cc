// NamesrvProcessor against the real 4.9.4 wire captures: the captured requests go in, and the
// responses must match the captured NameServer responses (code, remark, extFields, body).
#include "namesrv/namesrv_processor.h"

#include <doctest/doctest.h>

#include "namesrv/namesrv_codes.h"
#include "remoting/codec.h"
#include "wire_capture.h"

namespace ringmq::namesrv {
namespace {

using remoting::RemotingCommand;

constexpr ConnectionId kBrokerConnection = 1;
constexpr std::int64_t kCaptureStartMs = 1'795'275'133'000;

std::int64_t now_of(const test::CapturedFrame& f) { return kCaptureStartMs + static_cast<std::int64_t>(f.t_ms); }

// Compares what a Java peer would see: code, remark, extFields (and whether JSON carries the
// key at all), body bytes.
void check_same_response(const RemotingCommand& ours, const test::CapturedFrame& captured) {
  const RemotingCommand theirs = captured.decode();
  CHECK(ours.code == theirs.code);
  CHECK(ours.opaque == theirs.opaque);
  CHECK(ours.is_response());
  CHECK(ours.serialize_type == theirs.serialize_type);
  CHECK(ours.remark.value_or("") == theirs.remark.value_or(""));
  CHECK(ours.ext_fields.entries() == theirs.ext_fields.entries());
  if (theirs.serialize_type == remoting::SerializeType::json) {
    CHECK(ours.has_ext_fields == theirs.has_ext_fields);
  }
  CHECK(ours.body == theirs.body);
}

// Feeds every broker->namesrv request of a capture (except UNREGISTER when asked) and checks each
// answer against the captured one.
void replay_broker(NamesrvProcessor& processor, const char* file, bool include_unregister) {
  const auto frames = test::load_capture(file);
  int replayed = 0;
  for (const test::CapturedFrame& f : frames) {
    if (!f.is_request() || f.peer != "broker->namesrv") continue;
    if (!include_unregister && f.code == request_code::kUnregisterBroker) continue;
    CAPTURE(f.code);
    CAPTURE(f.opaque);
    const RemotingCommand reply = processor.process(f.decode(), kBrokerConnection, now_of(f));
    if (const test::CapturedFrame* captured = test::find_response(frames, f); captured != nullptr) {
      check_same_response(reply, *captured);
    } else {
      CHECK(f.flag == remoting::kFlagOneway);  // the oneway register: processed, never answered
      CHECK(reply.code == response_code::kSuccess);
    }
    ++replayed;
  }
  CHECK(replayed > 0);
}

// Asks every captured namesrv request of `code` in `file` and compares with the captured replies.
int replay_client_requests(NamesrvProcessor& processor, const char* file, std::int32_t code,
                           std::string_view only_topic = {}, std::optional<std::int32_t> only_reply_code = {}) {
  const auto frames = test::load_capture(file);
  int checked = 0;
  for (const auto* f : test::namesrv_requests(frames, code)) {
    const RemotingCommand request = f->decode();
    if (!only_topic.empty() && request.ext_fields.get("topic") != only_topic) continue;
    CAPTURE(f->peer);
    CAPTURE(f->opaque);
    const test::CapturedFrame* captured = test::find_response(frames, *f);
    REQUIRE(captured != nullptr);
    // Later in some captures the broker created the topic; our state is the one of capture 01.
    if (only_reply_code && captured->code != *only_reply_code) continue;
    check_same_response(processor.process(request, 100 + f->conn, now_of(*f)), *captured);
    ++checked;
  }
  return checked;
}

TEST_CASE("namesrv_processor: every captured broker request (01) gets the reply 4.9.4 gave") {
  NamesrvProcessor processor;
  replay_broker(processor, "01-broker-register.jsonl", true);
  // The final UNREGISTER_BROKER emptied everything.
  CHECK(processor.route_info_manager().tables().topic_queue_table.empty());
  CHECK(processor.route_info_manager().live_broker_count() == 0);
}

TEST_CASE("namesrv_processor: QUERY_DATA_VERSION with forceRegister=false (01b) answers changed=false and echoes the version") {
  NamesrvProcessor processor;
  replay_broker(processor, "01b-broker-register-no-force.jsonl", true);
}

TEST_CASE("namesrv_processor: after the captured registration, route replies match 4.9.4 byte for byte") {
  NamesrvProcessor processor;
  replay_broker(processor, "01-broker-register.jsonl", false);

  SUBCASE("ali-ons (version 121) gets the fastjson {0:...} form") {
    CHECK(replay_client_requests(processor, "02-alions-producer.jsonl", request_code::kGetRouteinfoByTopic) == 2);
  }
  SUBCASE("the C++ client (version 333): the legacy form, and TOPIC_NOT_EXIST for an unknown retry topic") {
    CHECK(replay_client_requests(processor, "04-cpp-clients.jsonl", request_code::kGetRouteinfoByTopic) == 4);
  }
  SUBCASE("a Java client in the ROCKETMQ header encoding gets standard JSON in a ROCKETMQ reply") {
    CHECK(replay_client_requests(processor, "05a-java-bench-producer.jsonl", request_code::kGetRouteinfoByTopic) == 3);
  }
  SUBCASE("mqadmin's GET_BROKER_CLUSTER_INFO") {
    CHECK(replay_client_requests(processor, "06-mqadmin.jsonl", request_code::kGetBrokerClusterInfo) == 3);
  }
  SUBCASE("mqadmin's route lookups of TopicTest and TBW102") {
    CHECK(replay_client_requests(processor, "06-mqadmin.jsonl", request_code::kGetRouteinfoByTopic, "TopicTest") > 0);
    CHECK(replay_client_requests(processor, "06-mqadmin.jsonl", request_code::kGetRouteinfoByTopic, "TBW102") > 0);
  }
  SUBCASE("TOPIC_NOT_EXIST for Java, with the FAQ remark (05c)") {
    CHECK(replay_client_requests(processor, "05c-java-push-consumers.jsonl", request_code::kGetRouteinfoByTopic,
                                 "%RETRY%CG_bench", response_code::kTopicNotExist) == 2);
  }
}

TEST_CASE("namesrv_processor: the captured broker expires 120 s after its last register when it goes silent") {
  NamesrvProcessor processor;
  replay_broker(processor, "01-broker-register.jsonl", false);
  const std::int64_t last = processor.route_info_manager().live_info("127.0.0.1:40911")->last_update_ms;
  CHECK(processor.scan_not_active_brokers(last + kBrokerTimeoutMsDefault).empty());
  const auto expired = processor.scan_not_active_brokers(last + kBrokerTimeoutMsDefault + 1);
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].connection == kBrokerConnection);

  const auto frames = test::load_capture("02-alions-producer.jsonl");
  const auto route = test::namesrv_requests(frames, request_code::kGetRouteinfoByTopic).at(0)->decode();
  CHECK(processor.process(route, 5, last + 200'000).code == response_code::kTopicNotExist);
}

TEST_CASE("namesrv_processor: a reply encodes into a frame the codec decodes again") {
  NamesrvProcessor processor;
  replay_broker(processor, "01-broker-register.jsonl", false);
  const auto frames = test::load_capture("02-alions-producer.jsonl");
  const auto* request = test::namesrv_requests(frames, request_code::kGetRouteinfoByTopic).at(0);
  const RemotingCommand reply = processor.process(request->decode(), 5, 0);
  std::string wire;
  REQUIRE(remoting::encode_frame(reply, wire).ok());
  auto back = remoting::decode_frame(as_bytes(wire));
  REQUIRE(back.ok());
  CHECK(back->body == reply.body);
  CHECK(back->opaque == request->opaque);
}

}  // namespace
}  // namespace ringmq::namesrv
