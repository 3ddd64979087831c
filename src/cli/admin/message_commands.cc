// Message commands: queryMsgById, queryMsgByKey, queryMsgByOffset, printMsg, sendMessage,
// consumeMessage (mqadmin's QueryMsgByIdSubCommand, QueryMsgByKeySubCommand,
// QueryMsgByOffsetSubCommand, PrintMessageSubCommand, SendMessageCommand, ConsumeMessageCommand).
// Reads never commit consumer offsets; pulls run as the tools group, as mqadmin's do.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <sstream>

#include "base/clock.h"
#include "cli/admin/admin_command.h"
#include "cli/admin/admin_queries.h"
#include "client/message_codec.h"
#include "client/mq_admin.h"
#include "client/producer.h"
#include "client/pull_consumer.h"
#include "remoting/message_id.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::cli {

namespace req = remoting::request_code;
namespace rc = remoting::response_code;

namespace {

constexpr const char* kToolsConsumerGroup = "TOOLS_CONSUMER";  // MixAll.TOOLS_CONSUMER_GROUP
// QueryMsgByKeySubCommand's default and the broker's cap (maxMsgsNumBatch).
constexpr std::int32_t kQueryByKeyMaxNum = 64;
// The most messages one printMsg / consumeMessage run prints (a runaway range stays bounded).
constexpr std::size_t kPrintMessagesMax = 100'000;
constexpr int kPullBatch = 32;

std::string properties_text(const client::MessageExt& m) {
  std::string out = "{";
  for (const auto& [k, v] : m.properties().entries()) {
    if (out.size() > 1) out += ", ";
    out += k + "=" + v;
  }
  return out + "}";
}

void print_message(const client::MessageExt& m, Output& out) {
  out.field("OffsetID", "offsetMsgId", m.offset_msg_id);
  out.field("MsgId", "msgId", std::string(m.msg_id()));
  out.field("Topic", "topic", m.topic());
  out.field("Tags", "tags", std::string(m.tags()));
  out.field("Keys", "keys", std::string(m.keys()));
  out.field("Queue ID", "queueId", m.queue_id);
  out.field("Queue Offset", "queueOffset", m.queue_offset);
  out.field("CommitLog Offset", "commitLogOffset", m.commit_log_offset);
  out.field("Reconsume Times", "reconsumeTimes", m.reconsume_times);
  out.field("Born Timestamp", "bornTimestamp", human_time_ms(m.born_timestamp_ms));
  out.field("Store Timestamp", "storeTimestamp", human_time_ms(m.store_timestamp_ms));
  out.field("Born Host", "bornHost", m.born_host);
  out.field("Store Host", "storeHost", m.store_host);
  out.field("System Flag", "sysFlag", m.sys_flag);
  out.field("Properties", "properties", properties_text(m));
  out.field("Message Body", "body", m.body());
}

// A refusal seen by the client library, kept for --json error output.
template <typename T>
Result<T> noted(AdminSession& s, Result<T> r, const client::AdminCallFailure& failure) {
  if (!r.ok() && !failure.peer.empty()) s.note_failure(failure);
  return r;
}

// QUERY_MESSAGE on every master of the topic (client::query_message drops collisions).
Result<std::vector<client::MessageExt>> query_message(AdminSession& s, const std::string& topic, const std::string& key,
                                                      bool unique, std::int32_t max_num, std::int64_t begin_ms,
                                                      std::int64_t end_ms) {
  client::AdminCallFailure failure;
  RINGMQ_TRY_ASSIGN(auto result, noted(s, client::query_message(s.instance(), topic, key, max_num, begin_ms, end_ms,
                                                                unique, &failure),
                                       failure));
  return std::move(result.messages);
}

struct ByIdArgs {
  std::string msg_id;
  std::string topic;
};

// An offset msgId names the broker and the CommitLog offset; with -t an id that is not one (or not
// found there) is taken as a unique key of that topic (DefaultMQAdminExtImpl#viewMessage).
Status run_query_by_id(AdminSession& s, const ByIdArgs& a, Output& out) {
  client::AdminCallFailure failure;
  auto m = noted(s, client::view_message(s.instance(), a.topic, a.msg_id, &failure), failure);
  if (!m.ok()) return m.take_error();
  print_message(*m, out);
  return {};
}

struct ByKeyArgs {
  std::string topic;
  std::string key;
  std::int64_t begin_ms = 0;
  std::int64_t end_ms = INT64_MAX;
  std::int32_t max_num = kQueryByKeyMaxNum;
};

Status run_query_by_key(AdminSession& s, const ByKeyArgs& a, Output& out) {
  RINGMQ_TRY_ASSIGN(auto messages, query_message(s, a.topic, a.key, false, a.max_num, a.begin_ms, a.end_ms));
  Table& table = out.table("messages", {{"#Message ID", "msgId"}, {"#Broker Name", "brokerName"}, {"#QID", "queueId"},
                                        {"#Offset", "queueOffset"}, {"", "offsetMsgId"}, {"", "body"}});
  for (const auto& m : messages) {
    table.add({std::string(m.msg_id()), m.broker_name, m.queue_id, m.queue_offset, m.offset_msg_id, m.body()});
  }
  return {};
}

client::PullConsumerConfig pull_config(const AdminOptions& o, const std::string& group) {
  client::PullConsumerConfig c;
  c.group = group.empty() ? kToolsConsumerGroup : group;
  c.client.namesrv_addr = o.namesrv;
  c.client.namesrv_domain = o.namesrv_domain;
  c.client.instance_name = "ringmq-admin-pull";
  c.client.callback_threads = 1;
  return c;
}

struct ByOffsetArgs {
  std::string topic;
  std::string broker_name;
  std::int32_t queue_id = 0;
  std::int64_t offset = 0;
};

Status run_query_by_offset(const AdminOptions& o, const ByOffsetArgs& a, Output& out) {
  client::PullConsumer consumer(pull_config(o, ""));
  RINGMQ_TRY(consumer.start());
  const client::MessageQueue mq{a.topic, a.broker_name, a.queue_id};
  RINGMQ_TRY_ASSIGN(auto result, consumer.pull(mq, "*", a.offset, 1));
  consumer.shutdown();
  if (result.msg_found_list.empty()) {
    return make_error(Errc::not_found, fmt::format("broker {}: no message at {} offset {} ({})", a.broker_name,
                                                   mq.to_string(), a.offset, client::pull_status_name(result.pull_status)));
  }
  print_message(result.msg_found_list.front(), out);
  return {};
}

struct RangeArgs {
  std::string topic;
  std::string broker_name;  // empty: every queue
  std::optional<std::int32_t> queue_id;
  std::optional<std::int64_t> offset;
  std::string group;
  std::string sub_expression = "*";
  std::string begin;
  std::string end;
  std::int64_t count = 0;  // 0: no limit but kPrintMessagesMax
  bool print_body = true;
};

Result<std::int64_t> queue_offset(AdminSession& s, const client::TopicRouteData& route, const client::MessageQueue& mq,
                                  std::int32_t code, std::optional<std::int64_t> timestamp) {
  auto addr = route.master_address(mq.broker_name);
  if (!addr) return make_error(Errc::not_found, "no master for broker " + mq.broker_name);
  auto r = AdminSession::request(code);
  r.ext_fields.set("topic", mq.topic);
  r.ext_fields.set_int("queueId", mq.queue_id);
  if (timestamp) r.ext_fields.set_int("timestamp", *timestamp);
  RINGMQ_TRY_ASSIGN(auto response, s.call_broker(*addr, std::move(r)));
  return response.ext_fields.get_int64("offset");
}

// Pulls [from, to) of one queue into the table, stopping at `budget` messages.
Status pull_range(client::PullConsumer& consumer, const client::MessageQueue& mq, const RangeArgs& a, std::int64_t from,
                  std::int64_t to, std::size_t& budget, Table& table) {
  std::int64_t offset = from;
  while (offset < to && budget > 0) {
    RINGMQ_TRY_ASSIGN(auto result, consumer.pull(mq, a.sub_expression, offset, kPullBatch));
    for (const auto& m : result.msg_found_list) {
      if (m.queue_offset >= to || budget == 0) break;
      table.add({std::string(m.msg_id()), m.broker_name, m.queue_id, m.queue_offset, std::string(m.tags()),
                 std::string(m.keys()), a.print_body ? m.body() : std::string(), m.store_timestamp_ms});
      --budget;
    }
    if (result.pull_status != client::PullStatus::found && result.pull_status != client::PullStatus::no_matched_msg) break;
    if (result.next_begin_offset <= offset) break;
    offset = result.next_begin_offset;
  }
  return {};
}

Status run_pull_messages(AdminSession& s, const AdminOptions& o, const RangeArgs& a, Output& out) {
  RINGMQ_TRY_ASSIGN(auto route, s.topic_route(a.topic));
  std::optional<std::int64_t> begin_ms, end_ms;
  if (!a.begin.empty()) {
    RINGMQ_TRY_ASSIGN(begin_ms, parse_time_arg(a.begin));
  }
  if (!a.end.empty()) {
    RINGMQ_TRY_ASSIGN(end_ms, parse_time_arg(a.end));
  }
  client::PullConsumer consumer(pull_config(o, a.group));
  RINGMQ_TRY(consumer.start());
  Table& table = out.table("messages", {{"#MsgId", "msgId"}, {"#Broker Name", "brokerName"}, {"#QID", "queueId"},
                                        {"#Offset", "queueOffset"}, {"#Tags", "tags"}, {"#Keys", "keys"},
                                        {"#Body", "body"}, {"", "storeTimestamp"}});
  std::size_t budget = a.count > 0 ? std::min<std::size_t>(static_cast<std::size_t>(a.count), kPrintMessagesMax)
                                   : kPrintMessagesMax;
  for (const auto& mq : client::subscribe_queues(route, a.topic)) {
    if (!a.broker_name.empty() && mq.broker_name != a.broker_name) continue;
    if (a.queue_id && mq.queue_id != *a.queue_id) continue;
    RINGMQ_TRY_ASSIGN(std::int64_t from, begin_ms ? queue_offset(s, route, mq, req::kSearchOffsetByTimestamp, begin_ms)
                                                  : queue_offset(s, route, mq, req::kGetMinOffset, std::nullopt));
    RINGMQ_TRY_ASSIGN(std::int64_t to, end_ms ? queue_offset(s, route, mq, req::kSearchOffsetByTimestamp, end_ms)
                                              : queue_offset(s, route, mq, req::kGetMaxOffset, std::nullopt));
    if (a.offset) from = std::max(from, *a.offset);
    RINGMQ_TRY(pull_range(consumer, mq, a, from, to, budget, table));
  }
  consumer.shutdown();
  if (budget == 0) out.note(fmt::format("stopped after {} messages", table.rows.size()));
  return {};
}

struct SendArgs {
  std::string topic;
  std::string body;
  std::string keys;
  std::string tags;
  std::string broker_name;
  std::optional<std::int32_t> queue_id;
};

Status run_send_message(const AdminOptions& o, const SendArgs& a, Output& out) {
  client::ProducerConfig config;
  config.group = fmt::format("{}", wall_clock_ms());  // SendMessageCommand's throwaway group
  config.client.namesrv_addr = o.namesrv;
  config.client.namesrv_domain = o.namesrv_domain;
  config.client.instance_name = "ringmq-admin-send";
  config.client.callback_threads = 1;
  client::Producer producer(config);
  RINGMQ_TRY(producer.start());
  client::Message msg(a.topic, a.tags, a.body);
  if (!a.keys.empty()) msg.set_keys(a.keys);
  Result<client::SendResult> sent = !a.broker_name.empty() && a.queue_id
                                        ? producer.send(std::move(msg), client::MessageQueue{a.topic, a.broker_name, *a.queue_id})
                                        : producer.send(std::move(msg));
  producer.shutdown();
  if (!sent.ok()) return sent.take_error();
  Table& table = out.table("sent", {{"#Broker Name", "brokerName"}, {"#QID", "queueId"}, {"#Send Result", "sendStatus"},
                                    {"#MsgId", "msgId"}, {"", "offsetMsgId"}, {"", "queueOffset"}});
  table.add({sent->message_queue.broker_name, sent->message_queue.queue_id, client::send_status_name(sent->send_status),
             sent->msg_id, sent->offset_msg_id, sent->queue_offset});
  return {};
}

void add_query_commands(AdminCli& cli) {
  auto id = std::make_shared<ByIdArgs>();
  CLI::App* app = cli.add("queryMsgById", "Query Message by Id",
                          [id](AdminSession& s, const AdminOptions&, Output& out) { return run_query_by_id(s, *id, out); });
  app->add_option("-i,--msgId", id->msg_id, "Message Id")->required();
  app->add_option("-t,--topic", id->topic, "topic, to look a unique (client) id up");

  auto key = std::make_shared<ByKeyArgs>();
  app = cli.add("queryMsgByKey", "Query Message by Key",
                [key](AdminSession& s, const AdminOptions&, Output& out) { return run_query_by_key(s, *key, out); });
  app->add_option("-t,--topic", key->topic, "topic name")->required();
  app->add_option("-k,--msgKey", key->key, "Message Key")->required();
  app->add_option("-b,--beginTimestamp", key->begin_ms, "Begin timestamp(ms)");
  app->add_option("-e,--endTimestamp", key->end_ms, "End timestamp(ms)");
  app->add_option("-c,--maxNum", key->max_num, "The maximum number of messages returned")->capture_default_str();

  auto off = std::make_shared<ByOffsetArgs>();
  app = cli.add("queryMsgByOffset", "Query Message by offset",
                [off](AdminSession&, const AdminOptions& o, Output& out) { return run_query_by_offset(o, *off, out); });
  app->add_option("-t,--topic", off->topic, "topic name")->required();
  app->add_option("-b,--brokerName", off->broker_name, "Broker Name")->required();
  app->add_option("-i,--queueId", off->queue_id, "Queue Id")->required();
  app->add_option("-o,--offset", off->offset, "Queue Offset")->required();
}

}  // namespace

void add_message_commands(AdminCli& cli) {
  add_query_commands(cli);

  auto print = std::make_shared<RangeArgs>();
  CLI::App* app = cli.add("printMsg", "Print Message Detail",
                          [print](AdminSession& s, const AdminOptions& o, Output& out) { return run_pull_messages(s, o, *print, out); });
  app->add_option("-t,--topic", print->topic, "topic name")->required();
  app->add_option("-s,--subExpression", print->sub_expression, "Subscribe Expression(eg: TagA || TagB)");
  app->add_option("-b,--beginTimestamp", print->begin, "Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]");
  app->add_option("-e,--endTimestamp", print->end, "End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]");
  app->add_option("-d,--printBody", print->print_body, "print body");

  auto consume = std::make_shared<RangeArgs>();
  app = cli.add("consumeMessage", "Consume message",
                [consume](AdminSession& s, const AdminOptions& o, Output& out) {
                  RangeArgs a = *consume;
                  if (a.count <= 0) a.count = 128;  // ConsumeMessageCommand's default messageNumber
                  return run_pull_messages(s, o, a, out);
                });
  app->add_option("-t,--topic", consume->topic, "Topic name")->required();
  app->add_option("-b,--brokerName", consume->broker_name, "Broker name");
  app->add_option("-i,--queueId", consume->queue_id, "Queue Id");
  app->add_option("-o,--offset", consume->offset, "Queue offset");
  app->add_option("-g,--consumerGroup", consume->group, "Consumer group name");
  app->add_option("-s,--beginTimestamp", consume->begin, "Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]");
  app->add_option("-e,--endTimestamp", consume->end, "End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]");
  app->add_option("-c,--messageNumber", consume->count, "Number of message to be consumed");

  auto send = std::make_shared<SendArgs>();
  app = cli.add("sendMessage", "Send a message",
                [send](AdminSession&, const AdminOptions& o, Output& out) { return run_send_message(o, *send, out); });
  app->add_option("-t,--topic", send->topic, "Topic name")->required();
  app->add_option("-p,--body", send->body, "UTF-8 string format of the message body")->required();
  app->add_option("-k,--key", send->keys, "Message keys");
  app->add_option("-c,--tags", send->tags, "Message tags");
  app->add_option("-b,--broker", send->broker_name, "Send message to target broker");
  app->add_option("-i,--qid", send->queue_id, "Send message to target queue");
}

}  // namespace ringmq::cli
