// Producer: message validation and encoding (single and batch), and topic creation.
#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "base/clock.h"
#include "client/message_codec.h"
#include "client/producer.h"
#include "client/producer_internal.h"
#include "remoting/message_sysflag.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "remoting/topic_validator.h"
#include "remoting/unique_key.h"

namespace ringmq::client {

namespace property = remoting::property;
using remoting::RemotingCommand;

namespace {

// Topic creation is visible at the NameServer once the broker re-registers; poll for it.
constexpr std::int64_t kCreateTopicWaitMs = 10000;
constexpr std::int64_t kCreateTopicPollMs = 100;
constexpr std::size_t kTopicBytesMax = 127;

// UNIQ_KEY generators are not thread-safe; each sending thread gets its own, with its own random
// tag so that two threads never make the same id in the same millisecond.
// Java's Boolean.parseBoolean.
bool is_true(std::string_view v) {
  return v.size() == 4 && (v[0] | 0x20) == 't' && (v[1] | 0x20) == 'r' && (v[2] | 0x20) == 'u' && (v[3] | 0x20) == 'e';
}

std::string next_unique_key(const std::string& client_ip) {
  thread_local std::optional<remoting::UniqueKeyGenerator> generator;
  if (!generator) {
    in_addr addr{};
    std::uint32_t ipv4 = inet_pton(AF_INET, client_ip.c_str(), &addr) == 1 ? ntohl(addr.s_addr) : 0x7F000001;
    std::random_device random;
    generator.emplace(ipv4, static_cast<std::uint32_t>(::getpid()), random());
  }
  return generator->next(wall_clock_ms());
}

Status validate_topic(const std::string& topic) {
  if (topic.empty()) return make_error(Errc::invalid_argument, "topic is blank");
  if (topic.size() > kTopicBytesMax) return make_error(Errc::invalid_argument, "topic is longer than 127 characters");
  for (char c : topic) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '%' || c == '|' || c == '_' || c == '-';
    if (!ok) return make_error(Errc::invalid_argument, fmt::format("topic {} has an illegal character", topic));
  }
  return {};
}

}  // namespace

Status Producer::check_started() const {
  if (!instance_) return make_error(Errc::closed, "producer is not started");
  return {};
}

Result<Producer::Prepared> Producer::prepare(Message& msg) const {
  RINGMQ_TRY(check_started());
  RINGMQ_TRY(validate_topic(msg.topic()));
  if (msg.body().empty()) return make_error(Errc::invalid_argument, "message body is empty");
  if (msg.body().size() > config_.max_message_size)
    return make_error(Errc::invalid_argument, fmt::format("message body of {} bytes is over the {} byte limit",
                                                          msg.body().size(), config_.max_message_size));
  Prepared prepared;
  if (msg.property(property::kUniqClientMessageIdKeyidx).empty())
    msg.set_property(property::kUniqClientMessageIdKeyidx, next_unique_key(instance_->config().client_ip));
  prepared.msg_id = std::string(msg.property(property::kUniqClientMessageIdKeyidx));
  prepared.topic = msg.topic();
  prepared.flag = msg.flag();
  prepared.body = std::move(msg.mutable_body());
  RINGMQ_TRY_ASSIGN(prepared.sys_flag, compress_if_large(prepared.body, config_.compress_msg_body_over_howmuch));
  // A transaction's half message (TransactionProducer sets TRAN_MSG), flagged as Java's sendKernelImpl does.
  if (is_true(msg.property(property::kTransactionPrepared))) {
    prepared.sys_flag |= remoting::message_sysflag::kTransactionPreparedType;
  }
  prepared.properties = msg.properties().encode();
  if (prepared.properties.size() > remoting::kPropertiesBytesMax)
    return make_error(Errc::invalid_argument, "message properties are over 32767 bytes");
  prepared.born_timestamp_ms = wall_clock_ms();
  return prepared;
}

Result<Producer::Prepared> Producer::prepare_batch(std::vector<Message>& batch) const {
  RINGMQ_TRY(check_started());
  if (batch.empty()) return make_error(Errc::invalid_argument, "batch is empty");
  Prepared prepared;
  prepared.topic = batch.front().topic();
  RINGMQ_TRY(validate_topic(prepared.topic));
  if (prepared.topic.starts_with("%RETRY%"))
    return make_error(Errc::invalid_argument, "retry topics are not supported in batches");
  prepared.batch = true;
  std::size_t total = 0;
  for (auto& msg : batch) {
    if (msg.topic() != prepared.topic) return make_error(Errc::invalid_argument, "a batch must have one topic");
    if (msg.delay_time_level() > 0) return make_error(Errc::invalid_argument, "delay levels are not supported in batches");
    if (msg.body().empty()) return make_error(Errc::invalid_argument, "message body is empty");
    total += msg.body().size();
  }
  if (total > config_.max_message_size)
    return make_error(Errc::invalid_argument, fmt::format("batch of {} bytes is over the {} byte limit", total,
                                                          config_.max_message_size));
  prepared.body.reserve(total + batch.size() * 64);
  std::string properties;
  for (auto& msg : batch) {
    msg.set_property(property::kUniqClientMessageIdKeyidx, next_unique_key(instance_->config().client_ip));
    if (!prepared.msg_id.empty()) prepared.msg_id += ',';
    prepared.msg_id += msg.property(property::kUniqClientMessageIdKeyidx);
    properties.clear();
    msg.properties().encode(properties);
    RINGMQ_TRY(append_to_batch(msg, properties, prepared.body));
  }
  // Batch-level properties: WAIT from the first message, as MessageBatch does.
  remoting::MessageProperties batch_props;
  batch_props.set(property::kWaitStoreMsgOk, batch.front().wait_store_msg_ok() ? "true" : "false");
  prepared.properties = batch_props.encode();
  prepared.born_timestamp_ms = wall_clock_ms();
  return prepared;
}

RemotingCommand Producer::build_request(const Prepared& prepared, const MessageQueue& mq) const {
  // What a 4.9.4 Java client sends (DefaultMQProducerImpl#sendKernelImpl): no maxReconsumeTimes,
  // reconsumeTimes 0, unitMode false.
  remoting::SendMessageRequestHeader header;
  header.producer_group = config_.group;
  header.topic = prepared.topic;
  header.default_topic = kAutoCreateTopicKey;
  header.default_topic_queue_nums = config_.default_topic_queue_nums;
  header.queue_id = mq.queue_id;
  header.sys_flag = prepared.sys_flag;
  header.born_timestamp = prepared.born_timestamp_ms;
  header.flag = prepared.flag;
  header.properties = prepared.properties;
  header.batch = prepared.batch;
  return build_send_request(header, prepared.body, instance_->serialize_type());
}

Status Producer::create_topic(const std::string& key, const std::string& topic, int queue_nums) {
  RINGMQ_TRY(check_started());
  RINGMQ_TRY(validate_topic(topic));
  RINGMQ_TRY_ASSIGN(TopicRouteData route, instance_->update_route(key));
  std::vector<std::string> created_on;
  for (const auto& broker : route.broker_datas) {
    auto master = broker.broker_addrs.find(kMasterId);
    if (master == broker.broker_addrs.end()) continue;
    auto request = RemotingCommand::request(remoting::request_code::kUpdateAndCreateTopic, instance_->serialize_type());
    auto& ext = request.ext_fields;
    ext.append("topic", topic);
    ext.append("defaultTopic", kAutoCreateTopicKey);
    ext.set_int("readQueueNums", queue_nums);
    ext.set_int("writeQueueNums", queue_nums);
    ext.set_int("perm", perm::kReadWrite);
    ext.append("topicFilterType", "SINGLE_TAG");
    ext.set_int("topicSysFlag", 0);
    ext.append("order", "false");
    request.has_ext_fields = true;
    RINGMQ_TRY_ASSIGN(RemotingCommand response,
                      instance_->invoke_sync(master->second, std::move(request), kDefaultCallTimeoutMs));
    if (response.code != remoting::response_code::kSuccess)
      return make_error(Errc::io, fmt::format("create topic {} on {}: code {} ({})", topic, master->second,
                                              response.code, response.remark.value_or("")));
    created_on.push_back(broker.broker_name);
  }
  if (created_on.empty()) return make_error(Errc::not_found, fmt::format("no master broker serves {}", key));
  // The topic may already be routed with other queue counts (BenchmarkTest starts with 1024 queues
  // on every broker): wait until every broker's route shows the counts asked for, or sends would
  // pick queues the broker no longer has.
  auto routed_as_asked = [&](const TopicRouteData& route) {
    return std::all_of(created_on.begin(), created_on.end(), [&](const std::string& name) {
      return std::any_of(route.queue_datas.begin(), route.queue_datas.end(), [&](const QueueData& q) {
        return q.broker_name == name && q.write_queue_nums == queue_nums && q.read_queue_nums == queue_nums;
      });
    });
  };
  const std::int64_t deadline = monotonic_ms() + kCreateTopicWaitMs;
  for (;;) {
    auto fresh = instance_->update_route(topic);
    if (fresh && routed_as_asked(*fresh)) break;
    if (monotonic_ms() > deadline)
      return make_error(Errc::timeout, fmt::format("topic {} created but not routed by the NameServer", topic));
    std::this_thread::sleep_for(std::chrono::milliseconds(kCreateTopicPollMs));
  }
  invalidate(topic);
  return {};
}

}  // namespace ringmq::client
