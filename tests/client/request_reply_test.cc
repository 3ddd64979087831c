// Request-reply helpers of the client: the reply built from a request (MessageUtil.createReplyMessage),
// the pushed reply decoded (ReplyMessageRequestHeader), the send code of a reply, and the table of
// requests waiting for replies.
#include <doctest/doctest.h>

#include <atomic>
#include <regex>
#include <set>

#include "client/message_codec.h"
#include "client/request_reply.h"
#include "remoting/message_const.h"
#include "remoting/request_code.h"
#include "remoting/send_message_header.h"

using namespace ringmq;
using namespace ringmq::client;
namespace property = remoting::property;

TEST_CASE("request-reply: the reply goes to <cluster>_REPLY_TOPIC with the request's ids") {
  MessageExt request;
  request.set_topic("RequestTopic");
  request.set_property(property::kCluster, "DefaultCluster");
  request.set_property(property::kCorrelationId, "c-1");
  request.set_property(property::kMessageReplyToClient, "127.0.0.1@x");
  request.set_property(property::kMessageTtl, "3000");
  auto reply = create_reply_message(request, "answer");
  REQUIRE(reply.ok());
  CHECK(reply->topic() == "DefaultCluster_REPLY_TOPIC");
  CHECK(reply->body() == "answer");
  CHECK(reply->property(property::kMessageType) == "reply");
  CHECK(reply->property(property::kCorrelationId) == "c-1");
  CHECK(reply->property(property::kMessageReplyToClient) == "127.0.0.1@x");
  CHECK(reply->property(property::kMessageTtl) == "3000");

  request.clear_property(property::kCluster);
  auto refused = create_reply_message(request, "answer");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().detail == "create reply message fail, requestMessage error, property[CLUSTER] is null.");
}

TEST_CASE("request-reply: a reply is sent as SEND_REPLY_MESSAGE_V2, anything else as SEND_MESSAGE_V2") {
  remoting::SendMessageRequestHeader header;
  header.topic = "DefaultCluster_REPLY_TOPIC";
  header.properties = std::string("MSG_TYPE\x01reply\x02", 15);
  CHECK(build_send_request(header, "b", remoting::SerializeType::json).code == remoting::request_code::kSendReplyMessageV2);
  header.properties = std::string("MSG_TYPE\x01other\x02", 15);
  CHECK(build_send_request(header, "b", remoting::SerializeType::json).code == remoting::request_code::kSendMessageV2);
}

TEST_CASE("request-reply: a PUSH_REPLY_MESSAGE_TO_CLIENT decodes into the reply, ARRIVE_TIME added") {
  auto push = remoting::RemotingCommand::request(remoting::request_code::kPushReplyMessageToClient);
  auto& ext = push.ext_fields;
  ext.set("topic", "DefaultCluster_REPLY_TOPIC");
  ext.set_int("queueId", 0);
  ext.set_int("sysFlag", 0);
  ext.set_int("bornTimestamp", 1234);
  ext.set_int("flag", 7);
  ext.set("properties", std::string("CORRELATION_ID\x01" "c-9\x02", 19));
  ext.set("bornHost", "127.0.0.1:5555");
  ext.set("storeHost", "127.0.0.1:10911");
  ext.set_int("storeTimestamp", 5678);
  push.body = "payload";
  auto msg = decode_reply_push(push);
  REQUIRE(msg.ok());
  CHECK(msg->topic() == "DefaultCluster_REPLY_TOPIC");
  CHECK(msg->body() == "payload");
  CHECK(msg->flag() == 7);
  CHECK(msg->born_timestamp_ms == 1234);
  CHECK(msg->store_timestamp_ms == 5678);
  CHECK(msg->store_host == "127.0.0.1:10911");
  CHECK(msg->property(property::kCorrelationId) == "c-9");
  CHECK_FALSE(msg->property(property::kReplyMessageArriveTime).empty());

  ext.set("bornTimestamp", "not a number");
  CHECK_FALSE(decode_reply_push(push).ok());
}

TEST_CASE("request-reply: correlation ids are random version-4 UUIDs") {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    const std::string id = create_correlation_id();
    CHECK(std::regex_match(id, uuid));
    ids.insert(id);
  }
  CHECK(ids.size() == 100);
}

TEST_CASE("request-reply: the table completes a request once, by its correlation id") {
  RequestFutureTable table;
  std::atomic<int> calls{0};
  std::string body;
  REQUIRE(table.add("a", [&](Result<MessageExt> r) {
    ++calls;
    if (r.ok()) body = r->body();
  }).ok());
  CHECK_FALSE(table.add("a", nullptr).ok());  // an id in use
  MessageExt reply;
  reply.set_body("r");
  CHECK_FALSE(table.complete("b", reply));  // nobody waits for b
  CHECK(table.complete("a", reply));
  CHECK_FALSE(table.complete("a", reply));  // once only
  CHECK(calls == 1);
  CHECK(body == "r");

  auto sync = table.add("s", nullptr);
  REQUIRE(sync.ok());
  CHECK(table.complete("s", make_error(Errc::timeout, "request timeout, no reply message.")));
  CHECK((*sync)->waiter.wait_for(1000));
  REQUIRE((*sync)->outcome.has_value());
  CHECK((*sync)->outcome->error().code == Errc::timeout);
  table.remove("never-added");
  CHECK(table.size() == 0);
}
