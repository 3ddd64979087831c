#include <doctest/doctest.h>

#include "broker/processor/send_message_check.h"
#include "broker/processor/send_message_reply.h"
#include "remoting/message_properties.h"
#include "remoting/response_code.h"

using namespace ringmq;
using namespace ringmq::broker;
namespace rc = remoting::response_code;

namespace {
remoting::SendMessageRequestHeader header(std::string topic, int queue = 0) {
  remoting::SendMessageRequestHeader h;
  h.topic = std::move(topic);
  h.queue_id = queue;
  h.producer_group = "pg";
  return h;
}
TopicConfig topic(int queues, int perm_bits = 6) {
  TopicConfig c;
  c.topic_name = std::string(1, 'T');  // (a literal trips a g++ 12 -Wrestrict false positive)
  c.read_queue_nums = c.write_queue_nums = queues;
  c.perm = perm_bits;
  return c;
}
}  // namespace

TEST_CASE("send checks: a slave answers SERVICE_NOT_AVAILABLE") {
  BrokerConfig config;
  config.role = BrokerRole::slave;
  CHECK(check_send_preconditions(config, header("T")).code == rc::kServiceNotAvailable);
}

TEST_CASE("send checks: illegal names, forbidden system topics") {
  BrokerConfig config;
  CHECK(check_send_preconditions(config, header("T")).ok());
  CHECK(check_send_preconditions(config, header("bad topic")).code == rc::kMessageIllegal);
  CHECK(check_send_preconditions(config, header(std::string(128, 'a'))).code == rc::kMessageIllegal);
  CHECK(check_send_preconditions(config, header("SCHEDULE_TOPIC_XXXX")).code == rc::kNoPermission);
  CHECK(check_send_preconditions(config, header("RMQ_SYS_TRANS_HALF_TOPIC")).code == rc::kNoPermission);
}

TEST_CASE("send checks: missing topic, read-only topic, queue id out of range") {
  const auto t = topic(4);
  CHECK(check_send_topic(header("T", 3), &t).ok());
  CHECK(check_send_topic(header("T", 4), &t).code == rc::kSystemError);
  CHECK(check_send_topic(header("T"), nullptr).code == rc::kTopicNotExist);
  const auto ro = topic(4, 4);
  CHECK(check_send_topic(header("T"), &ro).code == rc::kNoPermission);
}

TEST_CASE("send checks: body and properties limits are MESSAGE_ILLEGAL") {
  BrokerConfig config;
  config.max_message_bytes = 10;
  CHECK(check_message_size(config, 10, 0).ok());
  CHECK(check_message_size(config, 11, 0).code == rc::kMessageIllegal);
  CHECK(check_message_size(config, 1, 32768).code == rc::kMessageIllegal);
}

TEST_CASE("stored properties: WAIT dropped, CLUSTER added, no trailing separator") {
  const std::string stored = stored_properties("WAIT\x01true\x02TAGS\x01TagA\x02", "DefaultCluster");
  auto p = remoting::MessageProperties::decode(stored);
  CHECK_FALSE(p.contains("WAIT"));
  CHECK(p.get("TAGS") == "TagA");
  CHECK(p.get("CLUSTER") == "DefaultCluster");
  CHECK(stored.back() != '\x02');
  CHECK(wait_store_msg_ok(""));
  CHECK(wait_store_msg_ok("WAIT\x01true"));
  CHECK_FALSE(wait_store_msg_ok("WAIT\x01" "false\x02"));
}

TEST_CASE("send response: msgId list, queue fields, transactionId, region and trace") {
  store::AppendResult a, b;
  a.msg_id = store::make_offset_message_id(store::HostAddress::ipv4(127, 0, 0, 1, 40911), store::PhysicalOffset{0});
  b.msg_id = store::make_offset_message_id(store::HostAddress::ipv4(127, 0, 0, 1, 40911), store::PhysicalOffset{0xA3});
  a.queue_offset = store::QueueOffset{5};
  remoting::RemotingCommand r;
  std::vector<store::AppendResult> results{a, b};
  fill_send_response(r, results, 2, "UK");
  CHECK(r.ext_fields.get("msgId") == "7F00000100009FCF0000000000000000,7F00000100009FCF00000000000000A3");
  CHECK(r.ext_fields.get("queueId") == "2");
  CHECK(r.ext_fields.get("queueOffset") == "5");
  CHECK(r.ext_fields.get("transactionId") == "UK");
  CHECK(r.ext_fields.get("MSG_REGION") == "DefaultRegion");
  CHECK(r.ext_fields.get("TRACE_ON") == "true");
}

TEST_CASE("send checks: oversized client properties are MESSAGE_ILLEGAL before anything decodes them") {
  // Regression: the limit was only checked on the re-encoded properties, after the delay rewrite
  // and stored_properties() had run the quadratic decode over a string of up to 16 MiB.
  BrokerConfig config;
  auto h = header("T");
  h.properties.assign(remoting::kPropertiesBytesMax, 'x');
  CHECK(check_send_preconditions(config, h).ok());
  std::string pairs;
  while (pairs.size() <= remoting::kPropertiesBytesMax) pairs += "k\x01v\x02";
  h.properties = pairs;
  const WireError c = check_send_preconditions(config, h);
  CHECK(c.code == rc::kMessageIllegal);
  CHECK(c.remark.find("properties size") != std::string::npos);
}
