#include "client/pull_consumer.h"

#include "base/clock.h"

namespace ringmq::client {

PullConsumer::~PullConsumer() { shutdown(); }

Status PullConsumer::start() {
  if (instance_) return {};
  if (config_.group.empty()) return make_error(Errc::invalid_argument, "consumer group is blank");
  RINGMQ_TRY_ASSIGN(instance_, ClientInstance::create(config_.client));
  if (config_.message_model == MessageModel::broadcasting) {
    offset_store_ = std::make_unique<LocalFileOffsetStore>(config_.offset_store_dir, instance_->config().instance_name,
                                                           config_.group);
  } else {
    offset_store_ = std::make_unique<RemoteBrokerOffsetStore>(*instance_, config_.group);
  }
  RINGMQ_TRY(offset_store_->load());
  pull_api_ = std::make_unique<PullAPIWrapper>(*instance_, config_.group);
  instance_->register_consumer(config_.group, [this] { return consumer_data(); });
  OffsetStore* store = offset_store_.get();
  return instance_->schedule_periodic(kPersistOffsetIntervalMs, [store] {
    std::vector<MessageQueue> mqs;
    for (const auto& [mq, offset] : store->snapshot()) mqs.push_back(mq);
    store->persist_all(mqs);
  });
}

void PullConsumer::shutdown() {
  if (!instance_) return;
  commit();
  instance_->unregister_consumer(config_.group);
  instance_->shutdown();
  instance_.reset();
}

ConsumerData PullConsumer::consumer_data() {
  ConsumerData data;
  data.group_name = config_.group;
  data.consume_type = ConsumeType::actively;
  data.message_model = config_.message_model;
  std::lock_guard lock(mutex_);
  for (const auto& [topic, sub] : subscriptions_) data.subscriptions.push_back(sub);
  return data;
}

Result<std::vector<MessageQueue>> PullConsumer::fetch_subscribe_message_queues(const std::string& topic) {
  if (!instance_) return make_error(Errc::closed, "consumer is not started");
  RINGMQ_TRY_ASSIGN(TopicRouteData route, instance_->update_route(topic));
  return subscribe_queues(route, topic);
}

Result<PullResult> PullConsumer::pull_impl(const MessageQueue& mq, const std::string& expression, std::int64_t offset,
                                           int max_nums, std::int64_t suspend_ms) {
  if (!instance_) return make_error(Errc::closed, "consumer is not started");
  bool first_use = false;
  const SubscriptionData* sub;
  {
    std::lock_guard lock(mutex_);
    auto it = subscriptions_.find(mq.topic);
    if (it == subscriptions_.end() || it->second.sub_string != (expression.empty() ? "*" : expression)) {
      SubscriptionData sub = build_subscription(mq.topic, expression);
      sub.sub_version = wall_clock_ms();
      it = subscriptions_.insert_or_assign(mq.topic, std::move(sub)).first;
      first_use = true;
    }
    sub = &it->second;
  }
  // The broker learns of the group from a heartbeat; send one when the subscription is new.
  if (first_use) (void)instance_->send_heartbeat_to_all_brokers();
  PullRequestArgs args;
  args.mq = mq;
  args.subscription = sub;
  args.send_expression = true;
  args.offset = offset;
  args.max_nums = max_nums;
  args.suspend_timeout_ms = suspend_ms;
  args.timeout_ms = suspend_ms > 0 ? suspend_ms + config_.pull_timeout_ms : config_.pull_timeout_ms;
  return pull_api_->pull_sync(args);
}

Result<PullResult> PullConsumer::pull(const MessageQueue& mq, const std::string& sub_expression, std::int64_t offset,
                                      int max_nums) {
  return pull_impl(mq, sub_expression, offset, max_nums, 0);
}

Result<PullResult> PullConsumer::pull_block_if_not_found(const MessageQueue& mq, const std::string& sub_expression,
                                                         std::int64_t offset, int max_nums, std::int64_t timeout_ms) {
  return pull_impl(mq, sub_expression, offset, max_nums, timeout_ms);
}

void PullConsumer::update_consume_offset(const MessageQueue& mq, std::int64_t offset) {
  if (offset_store_) offset_store_->update(mq, offset, false);
}

Result<std::int64_t> PullConsumer::fetch_consume_offset(const MessageQueue& mq, bool from_store) {
  if (!offset_store_) return make_error(Errc::closed, "consumer is not started");
  return offset_store_->read(mq, from_store ? ReadOffsetType::read_from_store : ReadOffsetType::memory_first_then_store);
}

void PullConsumer::commit() {
  if (!offset_store_) return;
  std::vector<MessageQueue> mqs;
  for (const auto& [mq, offset] : offset_store_->snapshot()) mqs.push_back(mq);
  offset_store_->persist_all(mqs);
}

}  // namespace ringmq::client
