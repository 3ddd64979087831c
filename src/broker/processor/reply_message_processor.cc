// ReplyMessageProcessor (RocketMQ 4.9.4): SEND_REPLY_MESSAGE (324) and SEND_REPLY_MESSAGE_V2 (325),
// the reply a consumer sends to a producer's request() (docs/PROTOCOL.md §5.6).
//
// Flow across cores:
//   1. receiving core: parse the send header, run the send checks against the topic (normally
//      <cluster>_REPLY_TOPIC, created at start), pick a queue if the client asked for -1;
//   2. core 0 (owner of the client tables): find the connection of the producer whose client id
//      is the reply's REPLY_TO_CLIENT, from its heartbeats;
//   3. that connection's core: PUSH_REPLY_MESSAGE_TO_CLIENT (326) to the requester, waiting up to
//      kPushReplyTimeoutMs for its answer;
//   4. the queue's core, when storeReplyMessageEnable: store the reply as a message;
//   5. answer the replier: SUCCESS (msgId "0", queueOffset 0, as 4.9.4) when the push succeeded,
//      else SYSTEM_ERROR naming why. The store's outcome is only logged, as 4.9.4 does.
// A requester that went away (no channel, closed connection, no answer) fails the push only.
#include <memory>
#include <string>

#include <fmt/format.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/log_limiter.h"
#include "broker/broker_runtime.h"
#include "broker/client/client_manager.h"
#include "broker/processor/broker_processors.h"
#include "broker/append/inner_message.h"
#include "broker/append/message_append_service.h"
#include "broker/processor/send_message_check.h"
#include "broker/processor/send_message_reply.h"
#include "broker/queue_shard.h"
#include "remoting/message_const.h"
#include "remoting/message_properties.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/send_message_header.h"
#include "rpc/remoting_server.h"

namespace ringmq::broker {
namespace {

namespace rc = remoting::response_code;
namespace req = remoting::request_code;
namespace prop = remoting::property;

// Broker2Client.callClient's wait for the requester's answer to the push.
constexpr std::int64_t kPushReplyTimeoutMs = 3000;

struct ReplyJob {
  ReplyTarget target;
  RequestRef ref;
  remoting::SendMessageRequestHeader header;
  std::string body;
  PeerAddress born;
  std::string sender;  // REPLY_TO_CLIENT: the requester's client id
  bool push_ok = false;
  std::string push_remark;
};
using ReplyJobPtr = std::unique_ptr<ReplyJob>;

std::string ip_port(std::uint32_t ip, std::int32_t port) {
  return fmt::format("{}.{}.{}.{}:{}", ip >> 24, (ip >> 16) & 0xFF, (ip >> 8) & 0xFF, ip & 0xFF, port);
}

std::string host_text(const store::HostAddress& h) {
  if (h.ip_bytes != 4) return fmt::format("[::]:{}", h.port);
  return fmt::format("{}.{}.{}.{}:{}", h.ip[0], h.ip[1], h.ip[2], h.ip[3], h.port);
}

void answer(BrokerRuntime& rt, ReplyJob& job) {
  if (!job.push_ok) {
    return rt.reply(job.target, job.ref, send_error_response_for(job.ref, rc::kSystemError, job.push_remark));
  }
  auto response = make_response(job.ref, rc::kSuccess);
  response.remark.reset();
  response.has_ext_fields = true;
  // 4.9.4 answers msgId "0" and offset 0 "to avoid client decoding exception".
  response.ext_fields.set("msgId", "0");
  response.ext_fields.set_int("queueId", job.header.queue_id);
  response.ext_fields.set_int("queueOffset", 0);
  response.ext_fields.set(prop::kMsgRegion, kDefaultRegionId);
  response.ext_fields.set(prop::kTraceSwitch, "true");
  rt.reply(job.target, job.ref, std::move(response));
}

// Step 4 on the queue's core, then step 5.
void store_and_answer(BrokerRuntime& rt, CoreState& owner, ReplyJobPtr job) {
  const auto& h = job->header;
  // As received: 4.9.4 stores the header's properties string.
  store::MessageInput m = message_input_of(h, ipv4_host(job->born.ipv4, job->born.port), rt.store_host());
  m.body = as_bytes(job->body);
  m.properties = h.properties;
  WireError size = check_message_size(rt.config(), job->body.size(), h.properties.size());
  if (!size.ok()) {
    log_warn("reply message to {}:{} not stored: {}", h.topic, h.queue_id, size.remark);
  } else if (auto put = owner.append->put(m, AppendSource::broker); !put.ok()) {
    static LogLimiter limiter;
    RINGMQ_LOG_LIMITED(limiter, log_warn, "reply message to {}:{} not stored: {}", h.topic, h.queue_id,
                       put.error().to_string());
  }
  answer(rt, *job);
}

void after_push(BrokerRuntime& rt, ReplyJobPtr job) {
  if (!rt.config().store_reply_message_enable) return answer(rt, *job);
  const unsigned owner = shard_of_queue(job->header.topic, job->header.queue_id, rt.core_count()).value;
  rt.post(owner, [&rt, owner, j = std::move(job)]() mutable { store_and_answer(rt, rt.core_state(owner), std::move(j)); });
}

// The ReplyMessageRequestHeader of the push: the send header's fields plus the hosts and the
// store time; properties gain PUSH_REPLY_TIME.
remoting::RemotingCommand push_request(BrokerRuntime& rt, const ReplyJob& job) {
  const auto& h = job.header;
  auto request = remoting::RemotingCommand::request(req::kPushReplyMessageToClient);
  auto& ext = request.ext_fields;
  ext.set("producerGroup", h.producer_group);
  ext.set("topic", h.topic);
  ext.set("defaultTopic", h.default_topic);
  ext.set_int("defaultTopicQueueNums", h.default_topic_queue_nums);
  ext.set_int("queueId", h.queue_id);
  ext.set_int("sysFlag", h.sys_flag);
  ext.set_int("bornTimestamp", h.born_timestamp);
  ext.set_int("flag", h.flag);
  auto props = remoting::MessageProperties::decode(h.properties);
  props.set(prop::kPushReplyTime, std::to_string(wall_clock_ms()));
  ext.set("properties", props.encode());
  ext.set_int("reconsumeTimes", h.reconsume_times);
  ext.set("unitMode", h.unit_mode ? "true" : "false");
  ext.set("bornHost", ip_port(job.born.ipv4, job.born.port));
  ext.set("storeHost", host_text(rt.store_host()));
  ext.set_int("storeTimestamp", wall_clock_ms());
  request.has_ext_fields = true;
  request.body = job.body;
  return request;
}

void push_failed(ReplyJob& job, std::string_view sender, std::string_view why) {
  job.push_remark = "push reply message to " + std::string(sender) + "fail.";
  static LogLimiter limiter;
  RINGMQ_LOG_LIMITED(limiter, log_warn, "push reply message to <{}> fail: {}", sender, why);
}

// Step 3 on the requester's connection's core.
void push_to_requester(BrokerRuntime& rt, ChannelKey channel, ReplyJobPtr job) {
  CoreState& cs = rt.core_state(channel.core);
  const std::string& sender = job->sender;
  if (!cs.server) {
    push_failed(*job, sender, "no server on this core");
    return after_push(rt, std::move(job));
  }
  auto request = push_request(rt, *job);
  // The callback owns the job from here; it runs once, with the answer, a timeout or a close.
  auto* holder = new ReplyJobPtr(std::move(job));
  Status sent = cs.server->invoke(
      reactor::ConnectionId{channel.connection}, std::move(request), kPushReplyTimeoutMs,
      [&rt, holder](Result<remoting::RemotingCommand> response) {
        ReplyJobPtr j(std::move(*holder));
        delete holder;
        if (response.ok() && response->code == rc::kSuccess) {
          j->push_ok = true;
        } else {
          push_failed(*j, j->sender, response.ok() ? response->remark.value_or("code " + std::to_string(response->code))
                                                : response.error().to_string());
        }
        after_push(rt, std::move(j));
      });
  if (!sent.ok()) {  // invoke dropped the callback without running it: the job is still ours
    ReplyJobPtr j(std::move(*holder));
    delete holder;
    push_failed(*j, j->sender, sent.error().to_string());
    after_push(rt, std::move(j));
  }
}

// Step 2 on core 0.
void find_requester(BrokerRuntime& rt, ReplyJobPtr job) {
  const auto sender = remoting::find_property(job->header.properties, prop::kMessageReplyToClient);
  if (!sender) {
    log_warn("REPLY_TO_CLIENT is null, can not reply message");
    job->push_remark = "reply message properties[REPLY_TO_CLIENT] is null";
    return after_push(rt, std::move(job));
  }
  job->sender = std::string(*sender);
  const std::optional<ChannelKey> channel = rt.client_manager().producers.find_channel(job->sender);
  if (!channel) {
    job->push_remark = "push reply message fail, channel of <" + job->sender + "> not found.";
    static LogLimiter limiter;
    RINGMQ_LOG_LIMITED(limiter, log_warn, "{}", job->push_remark);
    return after_push(rt, std::move(job));
  }
  const ChannelKey key = *channel;
  rt.post(key.core, [&rt, key, j = std::move(job)]() mutable { push_to_requester(rt, key, std::move(j)); });
}

}  // namespace

void process_send_reply_message(RequestContext ctx, remoting::RemotingCommand&& request) {
  BrokerRuntime& rt = ctx.rt;
  auto job = std::make_unique<ReplyJob>();
  job->target = ctx.target;
  job->ref = ctx.ref;
  job->born = rt.peer_of(ctx.connection);
  auto header = remoting::parse_send_message_header(request.code, request.ext_fields);
  if (!header.ok()) {
    return rt.reply(job->target, job->ref, send_error_response_for(job->ref, rc::kSystemError, header.error().detail));
  }
  job->header = std::move(header).value();
  job->body = std::move(request.body);
  auto& h = job->header;
  WireError check = check_send_preconditions(rt.config(), h);
  const TopicConfig* topic = ctx.cs.topics->find(h.topic);
  if (check.ok()) check = check_send_topic(h, topic);
  if (!check.ok()) return rt.reply(job->target, job->ref, send_error_response_for(job->ref, check.code, check.remark));
  if (h.queue_id < 0) h.queue_id = static_cast<std::int32_t>(ctx.cs.random() % static_cast<unsigned>(topic->write_queue_nums));
  rt.post(0, [&rt, j = std::move(job)]() mutable { find_requester(rt, std::move(j)); });
}

}  // namespace ringmq::broker
