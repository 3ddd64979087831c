// The broker's processors on a real in-process broker (broker_seam.h): requests handed to a core's
// handler table, replies decoded from the frames a connection would carry. What each case expects
// is what Apache RocketMQ 4.9.4 answers (tests/integration/broker_send_test.py and
// consumer_pull_test.py check the same against a broker process).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "broker/broker_runtime.h"
#include "broker/longpolling/pull_request_hold_service.h"
#include "broker/queue_shard.h"
#include "broker_seam.h"
#include "core_check.h"
#include "protocol/topic_config.h"
#include "remoting/message_const.h"
#include "remoting/message_id.h"
#include "remoting/message_properties.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/topic_validator.h"

using namespace ringmq;
using namespace ringmq::broker;
using namespace ringmq::broker::testing;
using remoting::RemotingCommand;

namespace rc = remoting::response_code;
namespace req = remoting::request_code;
namespace prop = remoting::property;

namespace {

constexpr std::int64_t kLongPollMs = 30'000;  // longer than any wait here: only a wake-up answers

// Starts `seam` and creates `topic` with `queues` queues (UPDATE_AND_CREATE_TOPIC).
void start_with_topic(BrokerSeam& seam, std::string_view topic, std::int32_t queues) {
  REQUIRE(seam.start().ok());
  auto created = seam.call(create_topic_request(topic, queues));
  REQUIRE(created.has_value());
  REQUIRE(created->code == rc::kSuccess);
}

std::int64_t ext_int(const RemotingCommand& reply, std::string_view key) {
  auto v = reply.ext_fields.get_int64(key);
  REQUIRE(v.ok());
  return *v;
}

// A PULL that found messages: its records, decoded. `reply` keeps the bytes the views point into.
std::vector<protocol::StoredMessage> found_records(const RemotingCommand& reply) {
  REQUIRE(reply.code == rc::kSuccess);
  CHECK(reply.remark.value_or("") == "FOUND");
  auto records = decode_records(reply.body);
  REQUIRE(records.ok());
  return std::move(records).value();
}

// Ends a case: the broker stops and closes its store cleanly, and nothing failed on a core.
void finish(BrokerSeam& seam) {
  CHECK(seam.stop().ok());
  CHECK_CORE_CHECKS();
}

}  // namespace

TEST_CASE("processor_seam: SEND_MESSAGE_V2 and SEND_MESSAGE answer SUCCESS with msgId, queueId and queueOffset") {
  BrokerSeam seam(1);
  start_with_topic(seam, "SendT", 4);
  std::vector<std::int64_t> physical;
  for (int i = 0; i < 3; ++i) {
    const std::int32_t code = i == 2 ? req::kSendMessage : req::kSendMessageV2;  // V1 names, then V2
    CAPTURE(code);
    auto reply = seam.call(send_request("SendT", 2, "body" + std::to_string(i), {}, code));
    REQUIRE(reply.has_value());
    CHECK(reply->code == rc::kSuccess);
    CHECK(ext_int(*reply, "queueId") == 2);
    CHECK(ext_int(*reply, "queueOffset") == i);
    const std::string msg_id(reply->ext_fields.get("msgId").value_or(""));
    auto id = remoting::decode_offset_msg_id(msg_id);
    REQUIRE(id.ok());
    CHECK(id->port == seam.runtime().listen_port());
    physical.push_back(id->commit_log_offset);
    CHECK(reply->ext_fields.get(prop::kMsgRegion) == std::optional<std::string_view>("DefaultRegion"));
  }
  // The msgIds name the records: a pull finds the bodies at those CommitLog offsets.
  auto pulled = seam.call(pull_request("seam_g", "SendT", 2, 0));
  REQUIRE(pulled.has_value());
  const auto records = found_records(*pulled);
  REQUIRE(records.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(body_of(records[i]) == "body" + std::to_string(i));
    CHECK(records[i].physical_offset == physical[i]);
    CHECK(records[i].queue_offset == i);
  }
  CHECK(ext_int(*pulled, "nextBeginOffset") == 3);
  finish(seam);
}

TEST_CASE("processor_seam: many sends in flight under --flush sync on two cores are all answered, in order per queue") {
  BrokerSeam seam(2, [](BrokerConfig& c) { c.flush_mode = FlushMode::sync_flush; });
  start_with_topic(seam, "FlightT", 4);
  constexpr int kSends = 200;
  struct Sent {
    std::int32_t opaque;
    unsigned core;    // the core that received it
    std::int32_t queue;
  };
  std::vector<Sent> sent;
  // All submitted before any is waited for: the replies overlap group-commit rounds and cross cores.
  for (int i = 0; i < kSends; ++i) {
    const unsigned core = static_cast<unsigned>(i % 2);
    const std::int32_t queue = (i / 2) % 4;
    sent.push_back({seam.submit(send_request("FlightT", queue, std::to_string(i)), core), core, queue});
  }
  std::map<std::int32_t, std::int64_t> offset_of;  // opaque -> queueOffset
  std::map<std::int32_t, std::vector<std::int64_t>> offsets_per_queue;
  for (const Sent& s : sent) {
    auto reply = seam.wait_reply(s.opaque);
    REQUIRE(reply.has_value());
    REQUIRE(reply->code == rc::kSuccess);
    CHECK(ext_int(*reply, "queueId") == s.queue);
    offset_of[s.opaque] = ext_int(*reply, "queueOffset");
    offsets_per_queue[s.queue].push_back(offset_of[s.opaque]);
  }
  // Every queue got offsets 0..n-1, each once.
  for (auto& [queue, offsets] : offsets_per_queue) {
    CAPTURE(queue);
    std::sort(offsets.begin(), offsets.end());
    REQUIRE(offsets.size() == kSends / 4);
    for (std::size_t i = 0; i < offsets.size(); ++i) CHECK(offsets[i] == static_cast<std::int64_t>(i));
  }
  // From one receiving core to one queue, appends and replies keep the order of the requests.
  const std::vector<std::int32_t> arrival = seam.capture().arrival_order();
  std::map<std::int32_t, std::size_t> arrival_index;
  for (std::size_t i = 0; i < arrival.size(); ++i) arrival_index[arrival[i]] = i;
  std::map<std::pair<unsigned, std::int32_t>, const Sent*> previous;
  for (const Sent& s : sent) {
    const Sent*& before = previous[{s.core, s.queue}];
    if (before != nullptr) {
      CHECK(offset_of[before->opaque] < offset_of[s.opaque]);
      CHECK(arrival_index[before->opaque] < arrival_index[s.opaque]);
    }
    before = &s;
  }
  finish(seam);
}

TEST_CASE("processor_seam: a sync-flush send not durable within syncFlushTimeout is answered FLUSH_DISK_TIMEOUT, and stored") {
  BrokerSeam seam(1, [](BrokerConfig& c) {
    c.flush_mode = FlushMode::sync_flush;
    c.sync_flush_timeout_ms = 1;
  });
  start_with_topic(seam, "FlushT", 1);
  // The send appends and parks on the group commit, whose round is queued behind this task. The
  // task then keeps the core busy well past the 1 ms deadline, so on the core's next pass the
  // deadline timer runs before the round can even submit its fdatasync.
  const std::int32_t opaque = seam.submit(send_request("FlushT", 0, "late"), 0,
                                          [] { std::this_thread::sleep_for(std::chrono::milliseconds(100)); });
  auto reply = seam.wait_reply(opaque);
  REQUIRE(reply.has_value());
  CHECK(reply->code == rc::kFlushDiskTimeout);
  // As 4.9.4: the header still names where the message went.
  CHECK(ext_int(*reply, "queueId") == 0);
  CHECK(ext_int(*reply, "queueOffset") == 0);
  CHECK(remoting::decode_offset_msg_id(reply->ext_fields.get("msgId").value_or("")).ok());
  std::uint64_t timeouts = 0;
  REQUIRE(seam.run_on_core(0, [&] { timeouts = seam.runtime().core_state(0).stats.flush_disk_timeouts; }));
  CHECK(timeouts == 1);
  // Its durability was not confirmed in time, but the message is stored and readable.
  auto pulled = seam.call(pull_request("seam_g", "FlushT", 0, 0));
  REQUIRE(pulled.has_value());
  const auto records = found_records(*pulled);
  REQUIRE(records.size() == 1);
  CHECK(body_of(records[0]) == "late");
  finish(seam);
}

TEST_CASE("processor_seam: a long-polling PULL on an empty queue is held, and a send to the queue wakes it with the message") {
  BrokerSeam seam(2);
  start_with_topic(seam, "PollT", 2);
  const std::int32_t queue = 1;
  const unsigned owner = shard_of_queue("PollT", queue, 2).value;
  const unsigned other = 1 - owner;
  // Received on the core that does not own the queue: the pull is parked on the owner.
  const std::int32_t pull = seam.submit(pull_request("seam_g", "PollT", queue, 0, 32, kLongPollMs), other);
  std::size_t held = 0;
  for (int tries = 0; tries < 1000 && held == 0; ++tries) {
    REQUIRE(seam.run_on_core(owner, [&] { held = seam.runtime().core_state(owner).holds->held(); }));
    if (held == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE(held == 1);
  CHECK(!seam.capture().arrived(pull));
  // The send arrives on the other core too, and crosses to the owner like the pull did.
  auto sent = seam.call(send_request("PollT", queue, "wake"), other);
  REQUIRE(sent.has_value());
  REQUIRE(sent->code == rc::kSuccess);
  // Well inside the 30 s hold: only the append's wake-up can have answered it FOUND.
  auto reply = seam.wait_reply(pull);
  REQUIRE(reply.has_value());
  const auto records = found_records(*reply);
  REQUIRE(records.size() == 1);
  CHECK(body_of(records[0]) == "wake");
  CHECK(records[0].queue_id == queue);
  CHECK(ext_int(*reply, "nextBeginOffset") == 1);
  finish(seam);
}

TEST_CASE("processor_seam: a PULL over a CommitLog segment boundary returns every record in one reply body") {
  BrokerSeam seam(1);
  start_with_topic(seam, "SliceT", 1);
  // 20 records of ~8 KiB cannot fit one 64 KiB segment: the log rolls (padding the old segment's
  // tail) at least twice, so the reply is made of several borrowed slices.
  constexpr int kMessages = 20;
  const auto body_for = [](int i) { return std::string(8000, static_cast<char>('a' + i)); };
  for (int i = 0; i < kMessages; ++i) {
    auto sent = seam.call(send_request("SliceT", 0, body_for(i)));
    REQUIRE(sent.has_value());
    REQUIRE(sent->code == rc::kSuccess);
  }
  auto reply = seam.call(pull_request("seam_g", "SliceT", 0, 0, 64));
  REQUIRE(reply.has_value());
  const auto records = found_records(*reply);
  REQUIRE(records.size() == kMessages);
  int segment_gaps = 0;
  for (int i = 0; i < kMessages; ++i) {
    CAPTURE(i);
    CHECK(body_of(records[i]) == body_for(i));
    CHECK(records[i].queue_offset == i);
    CHECK(records[i].topic == "SliceT");
    if (i > 0 && records[i - 1].physical_offset + records[i - 1].total_size != records[i].physical_offset) {
      ++segment_gaps;  // the previous record ended a segment
      CHECK(records[i].physical_offset % static_cast<std::int64_t>(kSeamSegmentBytes) == 0);
    }
  }
  CHECK(segment_gaps >= 2);
  CHECK(ext_int(*reply, "nextBeginOffset") == kMessages);
  finish(seam);
}

namespace {

// The broker's topic table as GET_ALL_TOPIC_CONFIG returns it.
protocol::TopicConfigTable all_topics(BrokerSeam& seam) {
  auto reply = seam.call(RemotingCommand::request(req::kGetAllTopicConfig));
  REQUIRE(reply.has_value());
  REQUIRE(reply->code == rc::kSuccess);
  auto table = protocol::decode_topic_config_wrapper(reply->body);
  REQUIRE(table.ok());
  return std::move(table).value();
}

}  // namespace

TEST_CASE("processor_seam: with autoCreateTopicEnable a send creates its topic from TBW102") {
  BrokerSeam seam(2);
  REQUIRE(seam.start().ok());
  CHECK(all_topics(seam).find("AutoT") == nullptr);
  // Received on core 1: the topic is created on core 0 and the send continues from there.
  auto sent = seam.call(send_request("AutoT", 0, "auto"), 1);
  REQUIRE(sent.has_value());
  CHECK(sent->code == rc::kSuccess);
  const protocol::TopicConfigTable table = all_topics(seam);
  const protocol::TopicConfig* topic = table.find("AutoT");
  REQUIRE(topic != nullptr);
  // min(the client's defaultTopicQueueNums 4, TBW102's 8 write queues); TBW102's perm without inherit.
  CHECK(topic->read_queue_nums == 4);
  CHECK(topic->write_queue_nums == 4);
  CHECK(topic->perm == protocol::perm::kReadWrite);
  auto pulled = seam.call(pull_request("seam_g", "AutoT", 0, 0));
  REQUIRE(pulled.has_value());
  CHECK(body_of(found_records(*pulled).at(0)) == "auto");
  finish(seam);
}

TEST_CASE("processor_seam: without autoCreateTopicEnable a send to an unknown topic is TOPIC_NOT_EXIST") {
  BrokerSeam seam(1, [](BrokerConfig& c) { c.auto_create_topic = false; });
  REQUIRE(seam.start().ok());
  auto sent = seam.call(send_request("NoSuchT", 0, "lost"));
  REQUIRE(sent.has_value());
  CHECK(sent->code == rc::kTopicNotExist);
  const protocol::TopicConfigTable table = all_topics(seam);
  CHECK(table.find("NoSuchT") == nullptr);
  // As 4.9.4's TopicConfigManager: no TBW102 template when auto-creation is off.
  CHECK(table.find(remoting::system_topic::kAutoCreateTopicKey) == nullptr);
  finish(seam);
}

TEST_CASE("processor_seam: CONSUMER_SEND_MSG_BACK delays a retry through SCHEDULE_TOPIC_XXXX, and past maxReconsumeTimes goes to the DLQ") {
  BrokerSeam seam(1, [](BrokerConfig& c) { c.delay_levels = "1s 1s 1s"; });
  start_with_topic(seam, "BackT", 1);
  auto sent = seam.call(send_request("BackT", 0, "back0"));
  REQUIRE(sent.has_value());
  REQUIRE(sent->code == rc::kSuccess);
  auto original = seam.call(pull_request("seam_g", "BackT", 0, 0));
  REQUIRE(original.has_value());
  const std::int64_t offset = found_records(*original).at(0).physical_offset;
  const std::string retry_topic = remoting::retry_topic("seam_g");

  SUBCASE("delayLevel 1: SCHEDULE_TOPIC_XXXX queue 0 first, then %RETRY%group once the level's delay passed") {
    auto back = seam.call(send_back_request(offset, "seam_g", 1, 16));
    REQUIRE(back.has_value());
    REQUIRE(back->code == rc::kSuccess);
    auto scheduled = seam.call(pull_request("seam_g", remoting::system_topic::kSchedule, 0, 0));
    REQUIRE(scheduled.has_value());
    const auto delayed = found_records(*scheduled);
    REQUIRE(delayed.size() == 1);
    CHECK(body_of(delayed[0]) == "back0");
    CHECK(property_of(delayed[0], prop::kRealTopic) == retry_topic);
    CHECK(property_of(delayed[0], prop::kDelayTimeLevel) == "1");
    CHECK(property_of(delayed[0], prop::kRetryTopic) == "BackT");
    CHECK(delayed[0].reconsume_times == 1);
    // The schedule service puts it into the retry topic after 1 s; the long poll wakes on that put.
    auto retried = seam.call(pull_request("seam_g", retry_topic, 0, 0, 32, kLongPollMs));
    REQUIRE(retried.has_value());
    const auto records = found_records(*retried);
    REQUIRE(records.size() == 1);
    CHECK(body_of(records[0]) == "back0");
    CHECK(records[0].topic == retry_topic);
    CHECK(records[0].reconsume_times == 1);
    CHECK(property_of(records[0], prop::kRetryTopic) == "BackT");
    CHECK(!property_of(records[0], prop::kOriginMessageId).empty());
  }
  SUBCASE("reconsumeTimes (0) >= maxReconsumeTimes (0): straight to %DLQ%group") {
    auto back = seam.call(send_back_request(offset, "seam_g", 1, 0));
    REQUIRE(back.has_value());
    REQUIRE(back->code == rc::kSuccess);
    auto dead = seam.call(pull_request("seam_any", remoting::dlq_topic("seam_g"), 0, 0));
    REQUIRE(dead.has_value());
    const auto records = found_records(*dead);
    REQUIRE(records.size() == 1);
    CHECK(body_of(records[0]) == "back0");
    CHECK(records[0].reconsume_times == 1);
    CHECK(property_of(records[0], prop::kRetryTopic) == "BackT");
    CHECK(property_of(records[0], prop::kDelayTimeLevel).empty());
    // Nothing went through the delay queue.
    auto scheduled = seam.call(pull_request("seam_g", remoting::system_topic::kSchedule, 0, 0));
    REQUIRE(scheduled.has_value());
    CHECK(scheduled->code == rc::kPullNotFound);
  }
  finish(seam);
}
