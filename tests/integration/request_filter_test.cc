// SQL92 filters and request-reply against real `ringmq standalone` processes, with the project's
// client (issue 15): the filter on and off at the broker, a malformed expression's refusals, a
// request-reply round trip (sync and callback), a request whose TTL passes, and a reply to a
// requester that went away.
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/client_instance.h"
#include "client/producer.h"
#include "client/push_consumer.h"
#include "client/request_reply.h"
#include "process_harness.h"
#include "protocol/heartbeat_data.h"
#include "remoting/message_const.h"
#include "remoting/message_sysflag.h"
#include "remoting/pull_message_header.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

using namespace ringmq;
using namespace ringmq::client;
using namespace ringmq::it;

namespace {

namespace rc = remoting::response_code;
namespace property = remoting::property;

constexpr const char* kFilterOn = "--enable-property-filter";

std::string broker_addr(const Process& broker) { return "127.0.0.1:" + std::to_string(broker.port); }

// One PULL_MESSAGE of queue 0 asked directly, with the subscription in the request when `sql`
// is set (pull_sysflag::kSubscription).
Result<remoting::RemotingCommand> pull_once(ClientInstance& client, const Process& broker, const std::string& group,
                                            const std::string& topic, std::optional<std::string> sql) {
  remoting::PullMessageRequestHeader header;
  header.consumer_group = group;
  header.topic = topic;
  header.max_msg_nums = 32;
  header.expression_type = "SQL92";
  if (sql) {
    header.sys_flag = remoting::pull_sysflag::kSubscription;
    header.subscription = *sql;
  }
  auto request = remoting::RemotingCommand::request(remoting::request_code::kPullMessage, client.serialize_type());
  remoting::write_pull_message_header(header, request.ext_fields);
  request.has_ext_fields = true;
  return client.invoke_sync(broker_addr(broker), std::move(request), 5000);
}

// HEART_BEAT registering `group` with one SQL92 subscription to `topic`.
Status heartbeat_sql(ClientInstance& client, const Process& broker, const std::string& group, const std::string& topic,
                     const std::string& sql) {
  HeartbeatData data;
  data.client_id = client.client_id();
  ConsumerData consumer;
  consumer.group_name = group;
  consumer.subscriptions.push_back(protocol::build_subscription(topic, sql, "SQL92"));
  data.consumers.push_back(consumer);
  auto request = remoting::RemotingCommand::request(remoting::request_code::kHeartBeat, client.serialize_type());
  request.body = protocol::encode_heartbeat(data);
  RINGMQ_TRY_ASSIGN(auto response, client.invoke_sync(broker_addr(broker), std::move(request), 5000));
  if (response.code != rc::kSuccess) return make_error(Errc::io, "heartbeat refused: " + response.remark.value_or(""));
  return {};
}

// A bare client (no producer or consumer) for requests asked of the broker directly; it shuts
// down when the last reference goes.
std::shared_ptr<ClientInstance> admin_client(int ns) {
  ClientConfig config;
  config.namesrv_addr = "127.0.0.1:" + std::to_string(ns);
  config.instance_name = "it_admin";
  auto created = ClientInstance::create(config);
  REQUIRE(created.ok());
  return *created;
}

// A request with a callback: what the callback was given, once it has been called.
Result<MessageExt> request_with_callback(Producer& requester, Message msg, std::int64_t timeout_ms) {
  std::mutex mutex;
  std::optional<Result<MessageExt>> answer;
  REQUIRE(requester.request(std::move(msg), [&](Result<MessageExt> r) {
    std::lock_guard lock(mutex);
    answer = std::move(r);
  }, timeout_ms).ok());
  CHECK(wait_for([&] { std::lock_guard lock(mutex); return answer.has_value(); }));
  std::lock_guard lock(mutex);
  REQUIRE(answer.has_value());
  return std::move(*answer);
}

Message with_props(const std::string& topic, const std::string& body, std::vector<std::pair<std::string, std::string>> props) {
  Message m(topic, body);
  for (const auto& [k, v] : props) m.set_property(k, v);
  return m;
}

}  // namespace

TEST_SUITE("integration") {

TEST_CASE("sql92: with enablePropertyFilter on, a SQL92 subscriber gets exactly the matching messages") {
  Store store("sql-on");
  auto broker = start_standalone(store, "broker-a", {kFilterOn});
  const int ns = broker->ns_port;
  Producer producer(producer_config(ns));
  REQUIRE(producer.start().ok());
  REQUIRE(producer.create_topic("TBW102", "SqlTopic", 1).ok());  // one queue: delivered in send order
  for (int i = 0; i < 20; ++i) {
    std::vector<std::pair<std::string, std::string>> props{{"a", std::to_string(i)}};
    if (i % 4 == 0) props.emplace_back("b", "x");
    REQUIRE(producer.send(with_props("SqlTopic", "m" + std::to_string(i), props)).ok());
  }
  REQUIRE(producer.send(with_props("SqlTopic", "nothing", {})).ok());                  // a is null
  REQUIRE(producer.send(with_props("SqlTopic", "text", {{"a", "abc"}})).ok());         // not a number
  REQUIRE(producer.send(with_props("SqlTopic", "last", {{"a", "100"}})).ok());         // the sentinel
  ReceivedBodies bodies;
  PushConsumer consumer(push_config("it_sql_on", ns));
  REQUIRE(consumer.subscribe("SqlTopic", MessageSelector::by_sql("(a BETWEEN 5 AND 12 AND b IS NULL) OR a = 100")).ok());
  consumer.register_message_listener(bodies.listener());
  REQUIRE(consumer.start().ok());
  CHECK(wait_for([&] { return bodies.distinct().contains("last"); }));
  consumer.shutdown();
  CHECK(bodies.distinct() == std::set<std::string>{"m5", "m6", "m7", "m9", "m10", "m11", "last"});
}

TEST_CASE("sql92: refusals as 4.9.4 answers them, with the filter off and for a malformed expression") {
  Store off_store("sql-off");
  auto off = start_standalone(off_store, "broker-a");
  auto client = admin_client(off->ns_port);
  {
    auto r = pull_once(*client, *off, "g_off", "TBW102", "a > 1");
    REQUIRE(r.ok());
    CHECK(r->code == rc::kSystemError);
    CHECK(r->remark.value_or("") == "The broker does not support consumer to filter message by SQL92");
  }
  REQUIRE(heartbeat_sql(*client, *off, "g_off_hb", "TBW102", "a > 1").ok());  // heartbeats are accepted
  {
    auto r = pull_once(*client, *off, "g_off_hb", "TBW102", std::nullopt);
    REQUIRE(r.ok());
    CHECK(r->code == rc::kSystemError);
  }
  off.reset();

  Store on_store("sql-bad");
  auto on = start_standalone(on_store, "broker-a", {kFilterOn});
  auto client_on = admin_client(on->ns_port);
  {
    auto r = pull_once(*client_on, *on, "g_bad", "TBW102", "a > ");
    REQUIRE(r.ok());
    CHECK(r->code == rc::kSubscriptionParseFailed);
    CHECK(r->remark.value_or("") == "parse the consumer's subscription failed");
  }
  REQUIRE(heartbeat_sql(*client_on, *on, "g_bad_hb", "TBW102", "a = 'unterminated").ok());
  {
    auto r = pull_once(*client_on, *on, "g_bad_hb", "TBW102", std::nullopt);
    REQUIRE(r.ok());
    CHECK(r->code == rc::kFilterDataNotExist);
  }
  {
    auto r = pull_once(*client_on, *on, "g_good", "TBW102", "a > 1");  // a good one is served
    REQUIRE(r.ok());
    CHECK((r->code == rc::kPullNotFound || r->code == rc::kSuccess || r->code == rc::kPullRetryImmediately));
  }
  // The client refuses a malformed selector before it reaches a broker.
  PushConsumerConfig config;
  PushConsumer consumer(config);
  CHECK_FALSE(consumer.subscribe("T", MessageSelector::by_sql("a >")).ok());
  CHECK_FALSE(consumer.subscribe("T", MessageSelector::by_sql("")).ok());
}

TEST_CASE("request-reply: a request gets its reply through the broker, sync and with a callback") {
  Store store("reqrep");
  auto broker = start_standalone(store, "broker-a");
  const int ns = broker->ns_port;
  Producer requester(producer_config(ns));
  REQUIRE(requester.start().ok());
  REQUIRE(requester.create_topic("TBW102", "RequestTopic", 2).ok());
  ProducerConfig reply_config = producer_config(ns);
  reply_config.group = "it_replier";
  Producer replier(reply_config);
  REQUIRE(replier.start().ok());
  PushConsumer consumer(push_config("it_request_consumer", ns));
  REQUIRE(consumer.subscribe("RequestTopic", "*").ok());
  std::atomic<int> requests_seen{0};
  std::mutex mutex;
  std::vector<std::string> request_props;
  consumer.register_message_listener([&](const std::vector<MessageExt>& msgs) {
    for (const auto& m : msgs) {
      ++requests_seen;
      {
        std::lock_guard lock(mutex);
        request_props.push_back(std::string(m.property(property::kCorrelationId)) + "|" +
                                std::string(m.property(property::kMessageReplyToClient)) + "|" +
                                std::string(m.property(property::kMessageTtl)));
      }
      auto reply = create_reply_message(m, "re:" + m.body());
      if (reply.ok()) (void)replier.send(std::move(*reply));
    }
    return ConsumeConcurrentlyStatus::consume_success;
  });
  REQUIRE(consumer.start().ok());

  auto answer = requester.request(Message("RequestTopic", "ping"), 20000);
  REQUIRE_MESSAGE(answer.ok(), answer.error().to_string());
  CHECK(answer->body() == "re:ping");
  CHECK(answer->topic() == "DefaultCluster_REPLY_TOPIC");
  CHECK(answer->property(property::kMessageType) == "reply");
  CHECK(answer->property(property::kMessageReplyToClient) == requester.instance().client_id());
  CHECK_FALSE(answer->property(property::kPushReplyTime).empty());
  {
    std::lock_guard lock(mutex);
    REQUIRE(request_props.size() >= 1);
    CHECK(request_props[0] == std::string(answer->property(property::kCorrelationId)) + "|" +
                                  requester.instance().client_id() + "|20000");
  }

  auto async_answer = request_with_callback(requester, Message("RequestTopic", "pong"), 20000);
  REQUIRE(async_answer.ok());
  CHECK(async_answer->body() == "re:pong");
  consumer.shutdown();
}

TEST_CASE("request-reply: a request nobody answers fails when its TTL passes") {
  Store store("reqttl");
  auto broker = start_standalone(store, "broker-a");
  Producer requester(producer_config(broker->ns_port));
  REQUIRE(requester.start().ok());
  REQUIRE(requester.create_topic("TBW102", "NobodyTopic", 1).ok());
  auto answer = requester.request(Message("NobodyTopic", "hello?"), 1500);
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.error().code == Errc::timeout);
  CHECK(answer.error().detail == "send request message to <NobodyTopic> OK, but wait reply message timeout, 1500 ms.");

  auto late = request_with_callback(requester, Message("NobodyTopic", "anyone?"), 1000);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code == Errc::timeout);
}

TEST_CASE("request-reply: a reply to a requester that went away is refused, stored, and the broker goes on") {
  Store store("reqgone");
  auto broker = start_standalone(store, "broker-a");
  const int ns = broker->ns_port;
  std::string gone_id;
  {
    ProducerConfig gone_config = producer_config(ns);
    gone_config.group = "it_gone";
    gone_config.client.instance_name = "it_gone";
    Producer gone(gone_config);
    REQUIRE(gone.start().ok());
    REQUIRE(gone.send(Message("TBW102", "hello")).ok());
    REQUIRE(gone.instance().send_heartbeat_to_all_brokers().ok());  // known to the broker as a producer
    gone_id = gone.instance().client_id();
  }
  ProducerConfig reply_config = producer_config(ns);
  reply_config.group = "it_replier";
  reply_config.retry_times_when_send_failed = 0;
  Producer replier(reply_config);
  REQUIRE(replier.start().ok());
  Message reply("DefaultCluster_REPLY_TOPIC", "too late");
  reply.set_property(property::kMessageType, property::kReplyMessageFlag);
  reply.set_property(property::kCorrelationId, "no-such-request");
  reply.set_property(property::kMessageReplyToClient, gone_id);
  auto sent = replier.send(reply);
  REQUIRE_FALSE(sent.ok());
  CHECK(sent.error().detail.find("push reply message") != std::string::npos);
  // A live requester with no such request: the push succeeds, the client drops it with a warning.
  REQUIRE(replier.instance().send_heartbeat_to_all_brokers().ok());
  Message stray = reply;
  stray.set_property(property::kMessageReplyToClient, replier.instance().client_id());
  auto stray_sent = replier.send(stray);
  CHECK_MESSAGE(stray_sent.ok(), (stray_sent.ok() ? std::string() : stray_sent.error().to_string()));
  // Both replies were stored (storeReplyMessageEnable), and the broker still serves.
  CHECK(replier.send(Message("TBW102", "still alive")).ok());
  auto client = admin_client(ns);
  auto request = remoting::RemotingCommand::request(remoting::request_code::kGetMaxOffset, client->serialize_type());
  request.ext_fields.append("topic", "DefaultCluster_REPLY_TOPIC");
  request.ext_fields.set_int("queueId", 0);
  request.has_ext_fields = true;
  auto max = client->invoke_sync(broker_addr(*broker), std::move(request), 5000);
  REQUIRE(max.ok());
  CHECK(max->ext_fields.get_int64_or("offset", 0).value() == 2);
}

}  // TEST_SUITE
