// PushConsumer: lifecycle, rebalancing and the pull chain of each assigned queue.
#include "client/push_consumer.h"

#include "filter/sql_expression.h"

#include <simdjson.h>

#include <fmt/format.h>

#include "base/clock.h"
#include "base/log.h"
#include "client/rebalance.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::client {

namespace request_code = remoting::request_code;
namespace response_code = remoting::response_code;
using remoting::RemotingCommand;

namespace {
constexpr const char* kRetryGroupTopicPrefix = "%RETRY%";
}  // namespace

PushConsumer::~PushConsumer() { shutdown(); }

Status PushConsumer::subscribe(const std::string& topic, const std::string& sub_expression) {
  if (running_) return make_error(Errc::invalid_argument, "subscribe before start()");
  std::lock_guard lock(mutex_);
  SubscriptionData sub = build_subscription(topic, sub_expression);
  sub.sub_version = wall_clock_ms();
  subscriptions_[topic] = std::move(sub);
  return {};
}

Status PushConsumer::subscribe(const std::string& topic, const MessageSelector& selector) {
  if (selector.expression_type == protocol::kExpressionTypeTag || selector.expression_type.empty()) {
    return subscribe(topic, selector.expression);
  }
  if (running_) return make_error(Errc::invalid_argument, "subscribe before start()");
  if (selector.expression.empty()) {
    return make_error(Errc::invalid_argument, "Expression can't be null! " + selector.expression_type);
  }
  if (selector.expression_type != filter::kExpressionTypeSql92) {
    return make_error(Errc::invalid_argument, "unsupported expression type " + selector.expression_type);
  }
  if (auto compiled = filter::compile_sql92(selector.expression); !compiled.ok()) {
    return make_error(Errc::invalid_argument, compiled.error().detail);
  }
  std::lock_guard lock(mutex_);
  SubscriptionData sub = build_subscription(topic, selector.expression, selector.expression_type);
  sub.sub_version = wall_clock_ms();
  subscriptions_[topic] = std::move(sub);
  return {};
}

ConsumerData PushConsumer::consumer_data() {
  ConsumerData data;
  data.group_name = config_.group;
  data.consume_type = ConsumeType::passively;
  data.message_model = config_.message_model;
  data.consume_from_where = config_.consume_from_where;
  std::lock_guard lock(mutex_);
  for (const auto& [topic, sub] : subscriptions_) data.subscriptions.push_back(sub);
  return data;
}

Status PushConsumer::start() {
  if (running_) return {};
  if (config_.group.empty()) return make_error(Errc::invalid_argument, "consumer group is blank");
  if (static_cast<bool>(concurrent_listener_) == static_cast<bool>(orderly_listener_))
    return make_error(Errc::invalid_argument, "register exactly one message listener");
  if (subscriptions_.empty()) return make_error(Errc::invalid_argument, "subscribe to a topic first");
  // Clustering consumers also consume their group's retry topic (§6.7).
  if (clustering()) RINGMQ_TRY(subscribe(kRetryGroupTopicPrefix + config_.group, "*"));
  RINGMQ_TRY_ASSIGN(instance_, ClientInstance::create(config_.client));
  if (clustering()) {
    offset_store_ = std::make_unique<RemoteBrokerOffsetStore>(*instance_, config_.group);
  } else {
    offset_store_ = std::make_unique<LocalFileOffsetStore>(config_.offset_store_dir, instance_->config().instance_name,
                                                           config_.group);
  }
  RINGMQ_TRY(offset_store_->load());
  pull_api_ = std::make_unique<PullAPIWrapper>(*instance_, config_.group);
  consume_pool_ = std::make_unique<CallbackPool>(config_.consume_thread_count, "rmq-consume", kCallbackQueueMax);
  running_ = true;
  for (const auto& [topic, sub] : subscriptions_) {
    auto route = instance_->update_route(topic);
    if (!route) log_debug("consumer {}: no route for {} yet", config_.group, topic);
  }
  instance_->register_consumer(config_.group, [this] { return consumer_data(); });
  RINGMQ_TRY(instance_->register_request_handler(request_code::kNotifyConsumerIdsChanged,
                                                 [this](const RemotingCommand&) { do_rebalance(); }));
  RINGMQ_TRY(register_broker_requests());
  start_timestamp_ms_ = wall_clock_ms();
  (void)instance_->send_heartbeat_to_all_brokers();
  RINGMQ_TRY(instance_->schedule_periodic(kRebalanceIntervalMs, [this] { do_rebalance(); }));
  RINGMQ_TRY(instance_->schedule_periodic(kPersistOffsetIntervalMs, [this] { persist_offsets(); }));
  if (orderly() && clustering()) RINGMQ_TRY(instance_->schedule_periodic(kLockRenewIntervalMs, [this] { lock_all(); }));
  do_rebalance();
  return {};
}

void PushConsumer::shutdown() {
  if (!running_.exchange(false)) return;
  {
    std::lock_guard lock(mutex_);
    for (auto& [mq, pq] : process_queues_) pq->dropped = true;
  }
  consume_pool_->shutdown();
  persist_offsets();
  if (orderly() && clustering()) unlock_all();
  instance_->unregister_consumer(config_.group);
  unregister_client();
  instance_->shutdown();
  std::lock_guard lock(mutex_);
  process_queues_.clear();
}

std::vector<MessageQueue> PushConsumer::assigned_queues() {
  std::lock_guard lock(mutex_);
  std::vector<MessageQueue> out;
  for (const auto& [mq, pq] : process_queues_) out.push_back(mq);
  return out;
}

void PushConsumer::do_rebalance() {
  if (!running_) return;
  std::lock_guard rebalance(rebalance_mutex_);
  std::vector<std::string> topics;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [topic, sub] : subscriptions_) topics.push_back(topic);
  }
  for (const auto& topic : topics) rebalance_topic(topic);
}

Result<std::vector<std::string>> PushConsumer::find_consumer_ids(const TopicRouteData& route) {
  Error last = make_error(Errc::not_found, "no broker to ask for the consumer list");
  for (const auto& broker : route.broker_datas) {
    auto found = find_broker_address_in_subscribe(route, broker.broker_name, kMasterId);
    if (!found) continue;
    auto request = RemotingCommand::request(request_code::kGetConsumerListByGroup, instance_->serialize_type());
    request.ext_fields.append("consumerGroup", config_.group);
    request.has_ext_fields = true;
    auto response = instance_->invoke_sync(found->address, std::move(request), kDefaultCallTimeoutMs);
    if (!response) {
      last = response.take_error();
      continue;
    }
    if (response->code != response_code::kSuccess) {
      last = make_error(Errc::io, fmt::format("consumer list: code {}", response->code));
      continue;
    }
    simdjson::dom::parser parser;
    simdjson::dom::array ids;
    if (parser.parse(response->body).get_object()["consumerIdList"].get_array().get(ids) != simdjson::SUCCESS)
      return make_error(Errc::malformed, "consumer list body");
    std::vector<std::string> out;
    for (auto id : ids) {
      std::string_view text;
      if (id.get_string().get(text) == simdjson::SUCCESS) out.emplace_back(text);
    }
    return out;
  }
  return last;
}

void PushConsumer::rebalance_topic(const std::string& topic) {
  auto route = instance_->update_route(topic);
  if (!route) {
    log_debug("rebalance {}: {}", topic, route.error().to_string());
    return;
  }
  std::vector<MessageQueue> mq_all = subscribe_queues(*route, topic);
  if (!clustering()) {
    update_process_queues(topic, mq_all);
    return;
  }
  auto cids = find_consumer_ids(*route);
  if (!cids) {
    log_debug("rebalance {}: {}", topic, cids.error().to_string());
    return;
  }
  update_process_queues(topic, allocate_averagely(std::move(mq_all), std::move(cids).value(), client_id()));
}

void PushConsumer::update_process_queues(const std::string& topic, const std::vector<MessageQueue>& allocated) {
  std::vector<PQ> removed, added;
  {
    std::lock_guard lock(mutex_);
    for (auto it = process_queues_.begin(); it != process_queues_.end();) {
      const bool keep = it->first.topic != topic ||
                        std::find(allocated.begin(), allocated.end(), it->first) != allocated.end();
      if (keep) {
        ++it;
        continue;
      }
      it->second->dropped = true;
      removed.push_back(it->second);
      it = process_queues_.erase(it);
    }
  }
  for (const auto& pq : removed) {
    offset_store_->persist_all({pq->mq});
    offset_store_->remove(pq->mq);
  }
  for (const auto& mq : allocated) {
    {
      std::lock_guard lock(mutex_);
      if (process_queues_.contains(mq)) continue;
    }
    offset_store_->remove(mq);  // a queue we had before: the broker's offset is the truth
    auto offset = compute_pull_from_where(mq);
    if (!offset) {
      log_debug("rebalance: no start offset for {}: {}", mq.to_string(), offset.error().to_string());
      continue;
    }
    auto pq = std::make_shared<ProcessQueue>(mq);
    pq->next_offset = *offset;
    std::lock_guard lock(mutex_);
    process_queues_.emplace(mq, pq);
    added.push_back(pq);
  }
  if (!added.empty() && orderly() && clustering()) lock_all();
  for (auto& pq : added) pull(pq);
}

Result<std::int64_t> PushConsumer::compute_pull_from_where(const MessageQueue& mq) {
  RINGMQ_TRY_ASSIGN(std::int64_t stored, offset_store_->read(mq, ReadOffsetType::read_from_store));
  if (stored >= 0) return stored;
  if (config_.consume_from_where == ConsumeFromWhere::first_offset || mq.topic.starts_with(kRetryGroupTopicPrefix))
    return 0;
  // CONSUME_FROM_LAST_OFFSET (and, simplified, FROM_TIMESTAMP): the queue's current end.
  RINGMQ_TRY_ASSIGN(TopicRouteData route, instance_->route(mq.topic));
  auto addr = route.master_address(mq.broker_name);
  if (!addr) return make_error(Errc::not_found, "no master for GET_MAX_OFFSET");
  auto request = RemotingCommand::request(request_code::kGetMaxOffset, instance_->serialize_type());
  request.ext_fields.append("topic", mq.topic);
  request.ext_fields.set_int("queueId", mq.queue_id);
  request.has_ext_fields = true;
  RINGMQ_TRY_ASSIGN(RemotingCommand response, instance_->invoke_sync(*addr, std::move(request), kDefaultCallTimeoutMs));
  if (response.code != response_code::kSuccess) return make_error(Errc::io, "GET_MAX_OFFSET failed");
  return response.ext_fields.get_int64("offset");
}

void PushConsumer::pull(PQ pq) {
  if (!running_ || pq->dropped) return;
  if (pq->size() >= kPullThresholdForQueue) return pull_later(pq, kPullDelayOnFlowControlMs);
  if (orderly() && clustering() && !pq->locked) return pull_later(pq, kSuspendCurrentQueueMs);
  const SubscriptionData* sub;
  {
    std::lock_guard lock(mutex_);
    sub = &subscriptions_.at(pq->mq.topic);
  }
  PullRequestArgs args;
  args.mq = pq->mq;
  args.subscription = sub;
  args.offset = pq->next_offset;
  args.max_nums = config_.pull_batch_size;
  auto committed = offset_store_->read(pq->mq, ReadOffsetType::read_from_memory);
  args.commit_offset = clustering() && committed && *committed > 0 ? *committed : 0;
  args.suspend_timeout_ms = config_.suspend_timeout_ms;
  args.timeout_ms = kLongPollCallTimeoutMs;
  // The answer is handled on the I/O thread: it only queues messages for the consume pool and asks
  // for the next batch, so it skips a hand-off to the callback pool and back per pull.
  Status sent = pull_api_->pull_async(
      args, [this, pq](Result<PullResult> result) { on_pull_result(pq, std::move(result)); },
      ClientInstance::RunOn::io_thread);
  if (sent) return;
  // On the I/O thread a route that is not cached cannot be fetched (that takes a synchronous
  // call): ask again from the pool at once rather than after the error back-off.
  if (ClientInstance::on_io_thread() && instance_->execute([this, pq] { pull(pq); })) return;
  pull_later(pq, kPullDelayOnErrorMs);
}

void PushConsumer::pull_later(PQ pq, std::int64_t delay_ms) {
  if (!running_) return;
  (void)instance_->schedule(delay_ms, [this, pq] { pull(pq); });
}

void PushConsumer::on_pull_result(PQ pq, Result<PullResult> result) {
  if (!running_ || pq->dropped) return;
  if (!result) {
    log_debug("pull {}: {}", pq->mq.to_string(), result.error().to_string());
    return pull_later(pq, kPullDelayOnErrorMs);
  }
  pq->next_offset = result->next_begin_offset;
  switch (result->pull_status) {
    case PullStatus::found:
      if (!result->msg_found_list.empty()) {
        for (auto& msg : result->msg_found_list) {
          // Retried messages come back under %RETRY%<group>; the listener sees the original topic.
          std::string_view original = msg.property(remoting::property::kRetryTopic);
          if (!original.empty() && msg.topic().starts_with(kRetryGroupTopicPrefix)) msg.set_topic(std::string(original));
        }
        std::vector<MessageExt> msgs = std::move(result->msg_found_list);
        if (orderly()) {
          pq->put(std::move(msgs));
          submit_orderly(pq);
        } else {
          pq->put(msgs);
          submit_concurrent(pq, std::move(msgs));
        }
      }
      break;
    case PullStatus::offset_illegal:
      offset_store_->update(pq->mq, result->next_begin_offset, false);
      break;
    case PullStatus::no_matched_msg:
      // Everything was filtered out: nothing in flight means the next offset is consumed.
      if (pq->size() == 0) offset_store_->update(pq->mq, result->next_begin_offset, true);
      break;
    case PullStatus::no_new_msg: break;
  }
  pull(pq);
}

void PushConsumer::unregister_client() {
  std::vector<std::string> addrs;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [topic, sub] : subscriptions_) {
      auto route = instance_->cached_route(topic);
      if (!route) continue;
      for (const auto& b : route->broker_datas)
        for (const auto& [id, addr] : b.broker_addrs)
          if (std::find(addrs.begin(), addrs.end(), addr) == addrs.end()) addrs.push_back(addr);
    }
  }
  for (const auto& addr : addrs) {
    auto request = RemotingCommand::request(request_code::kUnregisterClient, instance_->serialize_type());
    request.ext_fields.append("clientID", client_id());
    request.ext_fields.append("consumerGroup", config_.group);
    request.has_ext_fields = true;
    (void)instance_->invoke_sync(addr, std::move(request), kDefaultCallTimeoutMs);
  }
}

}  // namespace ringmq::client
