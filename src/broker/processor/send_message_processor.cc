#include "broker/processor/send_message_processor.h"

#include <utility>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/log_limiter.h"
#include "broker/broker_runtime.h"
#include "broker/retention/disk_policy.h"
#include "broker/ha/ha_service.h"
#include "broker/append/inner_message.h"
#include "broker/append/message_append_service.h"
#include "broker/queue_shard.h"
#include "broker/processor/send_message_check.h"
#include "broker/processor/send_message_reply.h"
#include "broker/transaction/end_transaction_processor.h"
#include "remoting/batch_body.h"
#include "remoting/message_const.h"
#include "remoting/message_properties.h"
#include "remoting/message_sysflag.h"
#include "remoting/response_code.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker {
namespace {

namespace rc = remoting::response_code;
using JobPtr = std::unique_ptr<SendJob>;

// Retry and DLQ topics RocketMQ creates on demand: one queue, read + write.
constexpr std::int32_t kRetryTopicQueueNums = 1;
constexpr std::int32_t kRetryTopicPerm = perm::kRead | perm::kWrite;

void reply_error(BrokerRuntime& rt, const SendJob& job, std::int32_t code, std::string remark) {
  rt.reply(job.target, job.ref, send_error_response_for(job.ref, code, std::move(remark)));
}

store::MessageInput base_input(BrokerRuntime& rt, const SendJob& job) {
  return message_input_of(job.header, ipv4_host(job.born_ipv4, job.born_port), rt.store_host());
}

// Appends a single message. A check that refuses it sets `check`; a store failure is the Status.
Status store_single(BrokerRuntime& rt, CoreState& cs, SendJob& job, WireError& check) {
  const std::string props = stored_properties(job.header.properties, rt.config().cluster_name);
  check = check_message_size(rt.config(), job.body.size(), props.size());
  if (!check.ok()) return {};
  store::MessageInput m = base_input(rt, job);
  m.body = as_bytes(job.body);
  m.properties = props;
  RINGMQ_TRY_ASSIGN(auto appended, cs.append->put(m, AppendSource::producer));
  job.results.push_back(appended);
  if (auto uk = remoting::find_property(job.header.properties, remoting::property::kUniqClientMessageIdKeyidx)) {
    job.unique_key.assign(*uk);
  }
  return {};
}

// Appends every message of a batch body as its own record, consecutive in one queue (§5.5).
Status store_batch(BrokerRuntime& rt, CoreState& cs, SendJob& job, WireError& check) {
  if (remoting::is_retry_topic(job.header.topic)) {
    check = {rc::kMessageIllegal, "batch request does not support retry group " + job.header.topic};
    return {};
  }
  auto decoded = remoting::decode_batch_body(job.body);
  if (!decoded.ok()) {
    check = {rc::kMessageIllegal, "bad batch body: " + decoded.error().detail};
    return {};
  }
  const auto& messages = *decoded;
  std::vector<std::string> props(messages.size());
  std::vector<store::MessageInput> inputs(messages.size(), base_input(rt, job));
  for (std::size_t i = 0; i < messages.size(); ++i) {
    props[i] = stored_properties(messages[i].properties, rt.config().cluster_name);
    check = check_message_size(rt.config(), messages[i].body.size(), props[i].size());
    if (!check.ok()) return {};
    inputs[i].flag = messages[i].flag;
    inputs[i].body = as_bytes(messages[i].body);
    inputs[i].properties = props[i];
  }
  return cs.append->put_batch(inputs, job.results);
}

// Step 3, on the core owning the queue: append (MessageAppendService counts it and wakes what
// waits on the queue), then answer now or once the record is durable / replicated.
void store_on_owner(BrokerRuntime& rt, CoreState& cs, JobPtr job) {
  WireError check;
  Status st = job->header.batch ? store_batch(rt, cs, *job, check) : store_single(rt, cs, *job, check);
  if (!st.ok()) {
    // While the disk is full every send fails here: one line per send would flood the log.
    static LogLimiter limiter;
    RINGMQ_LOG_LIMITED(limiter, log_warn, "send to {}:{} failed in the store: {}", job->header.topic,
                       job->header.queue_id, st.error().to_string());
    // Lack of space gets RocketMQ's disk-full remark; other failures say what failed.
    std::string remark = st.error().code == Errc::no_space ? no_space_remark(st.error()) : st.error().to_string();
    return reply_error(rt, *job, wire_code_of(st.error().code), std::move(remark));
  }
  if (!check.ok()) return reply_error(rt, *job, check.code, std::move(check.remark));

  const bool wait = wait_store_msg_ok(job->header.properties);
  if (rt.config().flush_mode == FlushMode::sync_flush && wait) {
    const store::PhysicalOffset end = job->results.back().end();
    return cs.commit->wait(end, std::move(job));
  }
  if (wait && rt.ha()->wait_replica(cs, job)) return;  // SYNC_MASTER (broker/ha)
  reply_stored(rt, *job, rc::kSuccess);
}

// Step 2, on any core that has the topic's config.
void route_with_topic(BrokerRuntime& rt, CoreState& cs, JobPtr job, const TopicConfig* topic) {
  auto& h = job->header;
  if (WireError c = check_send_topic(h, topic); !c.ok()) return reply_error(rt, *job, c.code, std::move(c.remark));
  if (h.queue_id < 0) h.queue_id = static_cast<std::int32_t>(cs.random() % static_cast<unsigned>(topic->write_queue_nums));
  if (topic->topic_filter_type == kMultiTagFilterType) h.sys_flag |= remoting::message_sysflag::kMultiTags;
  if (!h.batch) {
    const std::int32_t queue = h.queue_id;
    // A prepared transaction becomes a half message (broker/transaction); it is never delayed.
    if (divert_prepared_send(h.topic, h.queue_id, h.properties, h.sys_flag) ||
        apply_delay_rewrite(rt.delay_levels(), h.topic, h.queue_id, h.properties, h.sys_flag)) {
      job->origin_queue_id = queue;
    }
  }
  const unsigned owner = shard_of_queue(h.topic, h.queue_id, rt.core_count()).value;
  if (owner == cs.core) return store_on_owner(rt, cs, std::move(job));
  rt.post(owner, [&rt, owner, j = std::move(job)]() mutable { store_on_owner(rt, rt.core_state(owner), std::move(j)); });
}

// On core 0: auto-create the topic (or a retry topic), then continue routing from here.
void create_topic_then_route(BrokerRuntime& rt, JobPtr job) {
  CoreState& cs = rt.core_state(0);
  auto& h = job->header;
  bool changed = false;
  auto& manager = rt.topic_config_manager();
  Result<const TopicConfig*> created =
      remoting::is_retry_topic(h.topic) || remoting::is_dlq_topic(h.topic)
          ? manager.create_topic_with_queues(h.topic, kRetryTopicQueueNums, kRetryTopicPerm, changed)
          : manager.create_topic_in_send(h.topic, h.default_topic, h.default_topic_queue_nums, 0, changed);
  if (!created.ok()) {
    log_error("auto-creating topic {} failed: {}", h.topic, created.error().to_string());
    return reply_error(rt, *job, rc::kSystemError, created.error().to_string());
  }
  if (changed) rt.publish_topics(true);
  route_with_topic(rt, cs, std::move(job), *created);
}

}  // namespace

void process_send_message(const RequestContext& ctx, remoting::RemotingCommand&& request) {
  BrokerRuntime& rt = ctx.rt;
  CoreState& cs = ctx.cs;
  auto job = std::make_unique<SendJob>();
  job->target = ctx.target;
  job->ref = ctx.ref;
  job->request_code = request.code;
  const PeerAddress peer = rt.peer_of(ctx.connection);
  job->born_ipv4 = peer.ipv4;
  job->born_port = peer.port;
  job->received_ns = monotonic_ns();
  auto header = remoting::parse_send_message_header(request.code, request.ext_fields);
  if (!header.ok()) return reply_error(rt, *job, rc::kSystemError, header.error().detail);
  job->header = std::move(header).value();
  job->body = std::move(request.body);
  if (WireError c = check_send_preconditions(rt.config(), job->header); !c.ok()) {
    return reply_error(rt, *job, c.code, std::move(c.remark));
  }
  if (const TopicConfig* topic = cs.topics->find(job->header.topic)) {
    return route_with_topic(rt, cs, std::move(job), topic);
  }
  rt.post(0, [&rt, j = std::move(job)]() mutable { create_topic_then_route(rt, std::move(j)); });
}

void reply_stored(BrokerRuntime& rt, SendJob& job, std::int32_t code) {
  auto response = make_response(job.ref, code);
  response.has_ext_fields = true;
  const std::int32_t queue = job.origin_queue_id >= 0 ? job.origin_queue_id : job.header.queue_id;
  fill_send_response(response, job.results, queue, job.unique_key);
  rt.reply(job.target, job.ref, std::move(response));
}

}  // namespace ringmq::broker
