#include <doctest/doctest.h>

#include "broker/send_message_header.h"
#include "remoting/request_code.h"

using namespace ringmq;
using namespace ringmq::broker;

namespace {
remoting::ExtFields v2_fields() {
  remoting::ExtFields e;
  // As ali-ons sends them (numbers and booleans rendered as text by the codec).
  for (auto [k, v] : {std::pair{"a", "PG_alions"}, {"b", "TopicTest"}, {"c", "TBW102"}, {"d", "4"}, {"e", "1"},
                      {"f", "0"}, {"g", "1795275312933"}, {"h", "0"}, {"i", "TAGS\x01TagA\x02"}, {"j", "0"},
                      {"k", "false"}}) {
    e.set(k, v);
  }
  return e;
}
}  // namespace

TEST_CASE("send header: V2 short names decode into the V1 fields") {
  auto h = parse_send_message_header(remoting::request_code::kSendMessageV2, v2_fields());
  REQUIRE(h.ok());
  CHECK(h->producer_group == "PG_alions");
  CHECK(h->topic == "TopicTest");
  CHECK(h->default_topic == "TBW102");
  CHECK(h->default_topic_queue_nums == 4);
  CHECK(h->queue_id == 1);
  CHECK(h->born_timestamp == 1795275312933);
  CHECK(h->properties == "TAGS\x01TagA\x02");
  CHECK_FALSE(h->batch);
  CHECK_FALSE(h->has_max_reconsume_times);
}

TEST_CASE("send header: 310 with m=true and 320 are batches") {
  auto e = v2_fields();
  e.set("m", "true");
  CHECK(parse_send_message_header(remoting::request_code::kSendMessageV2, e)->batch);
  CHECK(parse_send_message_header(remoting::request_code::kSendBatchMessage, v2_fields())->batch);
}

TEST_CASE("send header: V1 long names") {
  remoting::ExtFields e;
  e.set("producerGroup", "g");
  e.set("topic", "T");
  e.set("defaultTopic", "TBW102");
  e.set("defaultTopicQueueNums", "4");
  e.set("queueId", "-1");
  e.set("sysFlag", "1");
  e.set("bornTimestamp", "5");
  e.set("flag", "9");
  e.set("maxReconsumeTimes", "3");
  auto h = parse_send_message_header(remoting::request_code::kSendMessage, e);
  REQUIRE(h.ok());
  CHECK(h->queue_id == -1);
  CHECK(h->sys_flag == 1);
  CHECK(h->flag == 9);
  CHECK(h->has_max_reconsume_times);
  CHECK(h->max_reconsume_times == 3);
  CHECK(h->properties.empty());
}

TEST_CASE("send header: a missing required field or a bad number is an error naming it") {
  auto e = v2_fields();
  e.erase("b");
  auto h = parse_send_message_header(remoting::request_code::kSendMessageV2, e);
  REQUIRE_FALSE(h.ok());
  CHECK(h.error().detail.find("<b>") != std::string::npos);
  e = v2_fields();
  e.set("e", "x1");
  CHECK_FALSE(parse_send_message_header(remoting::request_code::kSendMessageV2, e).ok());
}
