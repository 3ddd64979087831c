// CONSUMER_SEND_MSG_BACK (36): a consumer gives a message back for a later retry, or to the
// dead-letter queue (docs/PROTOCOL.md §6.7; RocketMQ
// AbstractSendMessageProcessor#consumerSendMsgBack).
//
// Flow across cores: receiving core (parse) -> core 0 (group config, retry topic) -> the core of
// the message's CommitLog (read it, decide retry or DLQ, build the copy) -> core 0 again only to
// create the DLQ topic -> the core owning the target queue (append; a retry goes through the
// delay rewrite into SCHEDULE_TOPIC_XXXX) -> the reply goes home.
#include <memory>

#include "base/log.h"
#include "broker/processor/broker_processors.h"
#include "broker/broker_runtime.h"
#include "broker/append/inner_message.h"
#include "broker/append/message_append_service.h"
#include "broker/queue_shard.h"
#include "broker/subscription/subscription_group_manager.h"
#include "remoting/message_const.h"
#include "remoting/message_id.h"
#include "remoting/message_properties.h"
#include "remoting/response_code.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker {
namespace {

namespace rc = remoting::response_code;
namespace prop = remoting::property;

constexpr std::int32_t kRetryTopicPerm = perm::kRead | perm::kWrite;
constexpr std::int32_t kDlqQueueNums = 1;

struct SendBack {
  explicit SendBack(const RequestContext& c) : ctx(c) {}
  RequestContext ctx;
  std::int64_t offset = 0;
  std::string group;
  std::int32_t delay_level = 0;
  std::string origin_msg_id;
  std::int32_t max_reconsume_times = -1;  // -1 = the group's retryMaxTimes
  std::int32_t retry_queue_nums = 1;
  bool dlq = false;
  InnerMessage message;
};
using SendBackPtr = std::shared_ptr<SendBack>;

void reply(const SendBackPtr& job, std::int32_t code, std::string remark = {}) {
  job->ctx.rt.reply(job->ctx.target, job->ctx.ref, make_response(job->ctx.ref, code, std::move(remark)));
}

// Last step, on the core owning the target queue.
void store_copy(const SendBackPtr& job) {
  BrokerRuntime& rt = job->ctx.rt;
  const unsigned owner = shard_of_queue(job->message.topic, job->message.queue_id, rt.core_count()).value;
  rt.run_on(owner, [job, owner] {
    auto put = job->ctx.rt.core_state(owner).append->put(job->message);
    if (!put.ok()) return reply(job, rc::kSystemError, put.error().to_string());
    reply(job, rc::kSuccess);
  });
}

// On core 0: the DLQ topic exists before the copy is stored there.
void create_dlq_then_store(const SendBackPtr& job) {
  job->ctx.rt.run_on(0, [job] {
    bool changed = false;
    auto created = job->ctx.rt.topic_config_manager().create_topic_with_queues(job->message.topic, kDlqQueueNums,
                                                                               kRetryTopicPerm, changed);
    if (!created.ok()) return reply(job, rc::kSystemError, created.error().to_string());
    if (changed) job->ctx.rt.publish_topics(true);
    store_copy(job);
  });
}

// Builds the retry/DLQ copy of the record at `job->offset` (on the record's core).
Status build_copy(BrokerRuntime& rt, CoreState& cs, SendBack& job) {
  RINGMQ_TRY_ASSIGN(auto slice, cs.shard->message_at(store::PhysicalOffset{job.offset}));
  const auto parsed = store::parse_record(slice.bytes(), false);
  if (parsed.status != store::ParseStatus::record) return make_error(Errc::not_found, "no message at the offset");
  const store::RecordView& r = parsed.record;
  auto props = remoting::MessageProperties::decode(r.properties);
  if (!props.contains(prop::kRetryTopic)) props.set(prop::kRetryTopic, r.topic);
  if (!props.contains(prop::kOriginMessageId)) {
    std::string id = job.origin_msg_id;
    if (id.empty()) {
      const auto& h = rt.store_host();
      const std::uint32_t ip = (std::uint32_t{h.ip[0]} << 24) | (h.ip[1] << 16) | (h.ip[2] << 8) | h.ip[3];
      id = remoting::encode_offset_msg_id({ip, h.port, job.offset});
    }
    props.set(prop::kOriginMessageId, id);
  }
  props.set(prop::kWaitStoreMsgOk, "false");
  InnerMessage& m = job.message;
  const std::int32_t max = job.max_reconsume_times;
  if (r.reconsume_times >= max || job.delay_level < 0) {
    job.dlq = true;
    m.topic = remoting::dlq_topic(job.group);
    m.queue_id = 0;
  } else {
    const std::int32_t level = job.delay_level == 0 ? 3 + r.reconsume_times : job.delay_level;
    props.set(prop::kDelayTimeLevel, std::to_string(level));
    m.topic = remoting::retry_topic(job.group);
    m.queue_id = static_cast<std::int32_t>(cs.random() % static_cast<unsigned>(std::max(job.retry_queue_nums, 1)));
  }
  m.properties = props.encode(false);
  m.flag = r.flag;
  m.body.assign(reinterpret_cast<const char*>(r.body.data()), r.body.size());
  m.sys_flag = r.sys_flag;
  m.born_timestamp_ms = r.born_timestamp_ms;
  m.born_host = store::HostAddress::of(r.born_host);
  m.store_host = rt.store_host();
  m.reconsume_times = r.reconsume_times + 1;
  if (!job.dlq) apply_delay_rewrite(rt.delay_levels(), m.topic, m.queue_id, m.properties, m.sys_flag);
  return {};
}

void on_record_core(const SendBackPtr& job) {
  BrokerRuntime& rt = job->ctx.rt;
  const unsigned shard = store::shard_of(store::PhysicalOffset{job->offset}).value;
  if (job->offset < 0 || shard >= rt.core_count()) return reply(job, rc::kSystemError, "look message by offset failed");
  rt.run_on(shard, [job, shard] {
    BrokerRuntime& rt = job->ctx.rt;
    if (auto st = build_copy(rt, rt.core_state(shard), *job); !st.ok()) {
      return reply(job, rc::kSystemError, "look message by offset failed, " + std::to_string(job->offset));
    }
    if (job->dlq) {
      log_info("message at {} of group {} goes to {}", job->offset, job->group, job->message.topic);
      return create_dlq_then_store(job);
    }
    store_copy(job);
  });
}

}  // namespace

void process_consumer_send_msg_back(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto job = std::make_shared<SendBack>(ctx);
  const auto& ext = request.ext_fields;
  auto offset = ext.get_int64("offset");
  auto group = ext.get_string("group");
  auto level = ext.get_int32("delayLevel");
  auto max = ext.get_int32_or("maxReconsumeTimes", -1);
  if (!offset.ok() || !group.ok() || !level.ok() || !max.ok()) {
    return reply(job, rc::kSystemError, "bad CONSUMER_SEND_MSG_BACK header");
  }
  job->offset = *offset;
  job->group = std::string(*group);
  job->delay_level = *level;
  job->max_reconsume_times = *max;
  job->origin_msg_id = std::string(ext.get("originMsgId").value_or(""));
  if (ctx.rt.config().role == BrokerRole::slave) return reply(job, rc::kNoPermission, "the broker is a slave");
  ctx.rt.run_on(0, [job] {
    BrokerRuntime& rt = job->ctx.rt;
    const SubscriptionGroupConfig* config = ensure_subscription_group(rt, job->group);
    if (config == nullptr) {
      return reply(job, rc::kSubscriptionGroupNotExist,
                   rt.groups().at_limit(job->group) ? SubscriptionGroupManager::limit_remark(job->group)
                                                    : "subscription group not exist, " + job->group);
    }
    if (config->retry_queue_nums <= 0) return reply(job, rc::kSuccess);
    job->retry_queue_nums = config->retry_queue_nums;
    if (job->max_reconsume_times < 0) job->max_reconsume_times = config->retry_max_times;
    bool changed = false;
    auto created = rt.topic_config_manager().create_topic_with_queues(remoting::retry_topic(job->group),
                                                                      config->retry_queue_nums, kRetryTopicPerm, changed);
    if (!created.ok()) return reply(job, rc::kSystemError, created.error().to_string());
    if (changed) rt.publish_topics(true);
    on_record_core(job);
  });
}

}  // namespace ringmq::broker
