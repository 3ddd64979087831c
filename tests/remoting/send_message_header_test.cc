// SendMessageRequestHeader both ways: what the broker accepts (V1 long names, V2 short names, the
// error texts it answers with) and what the client writes, against frames of real clients.
#include <doctest/doctest.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "remoting/request_code.h"
#include "remoting/send_message_header.h"
#include "wire_testdata.h"

using namespace ringmq;
using namespace ringmq::remoting;
using ringmq::remoting::testing::first_request;
namespace rq = ringmq::remoting::request_code;

namespace {

ExtFields fields(std::initializer_list<std::pair<const char*, const char*>> entries) {
  ExtFields e;
  for (auto [k, v] : entries) e.set(k, v);
  return e;
}

ExtFields v2_fields() {
  // As ali-ons sends them (numbers and booleans rendered as text by the codec).
  return fields({{"a", "PG_alions"}, {"b", "TopicTest"}, {"c", "TBW102"}, {"d", "4"}, {"e", "1"}, {"f", "0"},
                 {"g", "1795275312933"}, {"h", "0"}, {"i", "TAGS\x01TagA\x02"}, {"j", "0"}, {"k", "false"}});
}

// Every field set, optional ones included, none at its default.
SendMessageRequestHeader full_header() {
  return {.producer_group = "pg",
          .topic = "TopicT",
          .default_topic = "TBW102",
          .default_topic_queue_nums = 8,
          .queue_id = -1,
          .sys_flag = 0x301,
          .born_timestamp = 1795275494554,
          .flag = -7,
          .properties = "KEYS\x01k\x02WAIT\x01true",
          .reconsume_times = 2,
          .unit_mode = true,
          .max_reconsume_times = 16,
          .batch = true,
          .broker_name = "broker-a"};
}

std::vector<std::string> keys_of(const ExtFields& ext) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : ext.entries()) keys.push_back(k);
  return keys;
}

}  // namespace

TEST_CASE("send header: V2 short names decode into the V1 fields") {
  auto h = parse_send_message_header(rq::kSendMessageV2, v2_fields());
  REQUIRE(h.ok());
  CHECK(h->producer_group == "PG_alions");
  CHECK(h->topic == "TopicTest");
  CHECK(h->default_topic == "TBW102");
  CHECK(h->default_topic_queue_nums == 4);
  CHECK(h->queue_id == 1);
  CHECK(h->born_timestamp == 1795275312933);
  CHECK(h->properties == "TAGS\x01TagA\x02");
  CHECK_FALSE(h->batch);
  CHECK_FALSE(h->max_reconsume_times.has_value());
  CHECK_FALSE(h->broker_name.has_value());
}

TEST_CASE("send header: 310 with m=true and 320 are batches") {
  auto e = v2_fields();
  e.set("m", "true");
  CHECK(parse_send_message_header(rq::kSendMessageV2, e)->batch);
  CHECK(parse_send_message_header(rq::kSendBatchMessage, v2_fields())->batch);
  e.set("m", "TRUE");  // Boolean.parseBoolean ignores case
  CHECK(parse_send_message_header(rq::kSendMessageV2, e)->batch);
  e.set("m", "yes");
  CHECK_FALSE(parse_send_message_header(rq::kSendMessageV2, e)->batch);
}

TEST_CASE("send header: V1 long names") {
  const ExtFields e = fields({{"producerGroup", "g"}, {"topic", "T"}, {"defaultTopic", "TBW102"},
                              {"defaultTopicQueueNums", "4"}, {"queueId", "-1"}, {"sysFlag", "1"},
                              {"bornTimestamp", "5"}, {"flag", "9"}, {"maxReconsumeTimes", "3"}});
  auto h = parse_send_message_header(rq::kSendMessage, e);
  REQUIRE(h.ok());
  CHECK(h->queue_id == -1);
  CHECK(h->sys_flag == 1);
  CHECK(h->flag == 9);
  CHECK(h->max_reconsume_times == 3);
  CHECK(h->properties.empty());
  // The same fields under short names are not read for code 10.
  CHECK_FALSE(parse_send_message_header(rq::kSendMessage, v2_fields()).ok());
}

TEST_CASE("send header: a missing required field or a bad number is an error naming it, in the broker's words") {
  auto e = v2_fields();
  e.erase("b");
  auto h = parse_send_message_header(rq::kSendMessageV2, e);
  REQUIRE_FALSE(h.ok());
  CHECK(h.error().code == Errc::malformed);
  CHECK(h.error().detail == "the custom field <b> is null");

  e = v2_fields();
  e.set("e", "x1");
  h = parse_send_message_header(rq::kSendMessageV2, e);
  REQUIRE_FALSE(h.ok());
  CHECK(h.error().detail == "the custom field <e> is not a number");

  e = v2_fields();
  e.set("g", "99999999999999999999");  // over Long.MAX_VALUE
  CHECK(parse_send_message_header(rq::kSendMessageV2, e).error().detail == "the custom field <g> is not a number");
  e = v2_fields();
  e.set("l", "3.0");  // optional, but present and unparsable
  CHECK(parse_send_message_header(rq::kSendMessageV2, e).error().detail == "the custom field <l> is not a number");

  const ExtFields v1 = fields({{"producerGroup", "g"}});
  CHECK(parse_send_message_header(rq::kSendMessage, v1).error().detail == "the custom field <topic> is null");
}

TEST_CASE("send header: build then parse gives the same header, with short names (V2)") {
  const SendMessageRequestHeader h = full_header();
  ExtFields ext;
  write_send_message_header(rq::kSendMessageV2, h, ext);
  CHECK(keys_of(ext) == std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n"});
  CHECK(ext.get("d") == "8");
  CHECK(ext.get("e") == "-1");
  CHECK(ext.get("f") == "769");
  CHECK(ext.get("g") == "1795275494554");
  CHECK(ext.get("k") == "true");
  CHECK(ext.get("l") == "16");
  CHECK(ext.get("n") == "broker-a");
  auto parsed = parse_send_message_header(rq::kSendMessageV2, ext);
  REQUIRE(parsed.ok());
  CHECK(*parsed == h);
}

TEST_CASE("send header: build then parse gives the same header, with long names (V1)") {
  SendMessageRequestHeader h = full_header();
  h.batch = false;
  ExtFields ext;
  write_send_message_header(rq::kSendMessage, h, ext);
  CHECK(keys_of(ext) == std::vector<std::string>{"producerGroup", "topic", "defaultTopic", "defaultTopicQueueNums",
                                                 "queueId", "sysFlag", "bornTimestamp", "flag", "properties",
                                                 "reconsumeTimes", "unitMode", "maxReconsumeTimes", "batch", "bname"});
  auto parsed = parse_send_message_header(rq::kSendMessage, ext);
  REQUIRE(parsed.ok());
  CHECK(*parsed == h);
}

TEST_CASE("send header: the optional l and n are left out when unset; i, j, k and m are always written") {
  SendMessageRequestHeader h = full_header();
  h.max_reconsume_times.reset();
  h.broker_name.reset();
  h.properties.clear();
  h.unit_mode = false;
  h.batch = false;
  ExtFields ext;
  write_send_message_header(rq::kSendMessageV2, h, ext);
  CHECK(keys_of(ext) == std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "m"});
  CHECK(ext.get("i") == "");
  CHECK(ext.get("k") == "false");
  CHECK(ext.get("m") == "false");
  CHECK(parse_send_message_header(rq::kSendMessageV2, ext).value() == h);
}

TEST_CASE("send header: the batch flag is m on the wire and survives the round trip under 310 and 320") {
  SendMessageRequestHeader h = full_header();
  for (const std::int32_t code : {rq::kSendMessageV2, rq::kSendBatchMessage}) {
    CAPTURE(code);
    h.batch = true;
    ExtFields ext;
    write_send_message_header(code, h, ext);
    CHECK(ext.get("m") == "true");
    CHECK(parse_send_message_header(code, ext)->batch);
  }
  h.batch = false;
  ExtFields ext;
  write_send_message_header(rq::kSendMessageV2, h, ext);
  CHECK(ext.get("m") == "false");
  CHECK_FALSE(parse_send_message_header(rq::kSendMessageV2, ext)->batch);
  // 320 is a batch whatever m says.
  CHECK(parse_send_message_header(rq::kSendBatchMessage, ext)->batch);
}

TEST_CASE("send header: a Java 4.9.4 SEND_MESSAGE_V2 frame parses, and writing it back gives the same bytes") {
  // 05a: benchmark.Producer, ROCKETMQ header encoding, keys a..k and m.
  const RemotingCommand captured = first_request("05a-java-bench-producer.jsonl", rq::kSendMessageV2);
  auto h = parse_send_message_header(captured.code, captured.ext_fields);
  REQUIRE(h.ok());
  const SendMessageRequestHeader expected{
      .producer_group = "benchmark_producer",
      .topic = "TopicTest",
      .default_topic = "TBW102",
      .default_topic_queue_nums = 4,
      .queue_id = 2,
      .sys_flag = 0,
      .born_timestamp = 1795275494554,
      .flag = 0,
      .properties = "KEYS\x01" "1795275494\x02"
                    "UNIQ_KEY\x01" "FD00000000000000000000000000000269665FFD2B276A5A2C990000\x02"
                    "WAIT\x01true\x02"
                    "TAGS\x01tag1",
      .reconsume_times = 0,
      .unit_mode = false,
      .max_reconsume_times = std::nullopt,
      .batch = false,
      .broker_name = std::nullopt};
  CHECK(*h == expected);

  ExtFields written;
  write_send_message_header(captured.code, *h, written);
  testing::check_same_frame_with(captured, written);
}

TEST_CASE("send header: captured ali-ons, C++ and Java batch sends parse to the values they carry") {
  struct Case {
    const char* file;
    std::int32_t code;
    const char* producer_group;
    std::int32_t queue_id;
    std::int64_t born_timestamp;
    const char* properties;
    std::optional<std::int32_t> max_reconsume_times;
    bool batch;
  };
  const Case cases[] = {
      // ali-ons: JSON numbers and booleans in extFields, no l or m.
      {"02-alions-producer.jsonl", rq::kSendMessageV2, "PG_alions", 1, 1795275312933,
       "TAGS\x01TagA\x02KEYS\x01key-0 k0b\x02", std::nullopt, false},
      // C++: the only client that sends l (16); int64 fields as strings.
      {"04-cpp-clients.jsonl", rq::kSendMessageV2, "PG_cpp", 0, 1795275448605,
       "TAGS\x01*\x02UNIQ_KEY\x01" "7F00000163721AC9BDBC6A59791D0000\x02WAIT\x01true\x02", 16, false},
      // Java SimpleBatchProducer: SEND_BATCH_MESSAGE with m=true.
      {"05b-java-batch-producers.jsonl", rq::kSendBatchMessage, "BatchProducerGroupName", 1, 1795275498527,
       "WAIT\x01true", std::nullopt, true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    const RemotingCommand captured = first_request(c.file, c.code);
    auto h = parse_send_message_header(captured.code, captured.ext_fields);
    REQUIRE(h.ok());
    CHECK(h->producer_group == c.producer_group);
    CHECK(h->queue_id == c.queue_id);
    CHECK(h->born_timestamp == c.born_timestamp);
    CHECK(h->properties == c.properties);
    CHECK(h->max_reconsume_times == c.max_reconsume_times);
    CHECK(h->batch == c.batch);
  }
}

TEST_CASE("send header: a captured Java SEND_BATCH_MESSAGE writes back to the same bytes") {
  const RemotingCommand captured = first_request("05b-java-batch-producers.jsonl", rq::kSendBatchMessage);
  auto h = parse_send_message_header(captured.code, captured.ext_fields);
  REQUIRE(h.ok());
  ExtFields written;
  write_send_message_header(captured.code, *h, written);
  testing::check_same_frame_with(captured, written);
}
