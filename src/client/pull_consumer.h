// PullConsumer: RocketMQ's DefaultMQPullConsumer. The application picks the queues
// (fetch_subscribe_message_queues), pulls from offsets it chooses, and commits progress, which is
// kept on the brokers (clustering) or in a local file (broadcasting).
//
//   PullConsumerConfig config; config.group = "cg";
//   PullConsumer consumer(config);
//   consumer.start();
//   for (auto& mq : *consumer.fetch_subscribe_message_queues("TopicTest")) {
//     auto offset = consumer.fetch_consume_offset(mq);           // -1: none stored yet
//     auto result = consumer.pull(mq, "*", offset > 0 ? offset : 0, 32);
//     ... consumer.update_consume_offset(mq, result->next_begin_offset);
//   }
//   consumer.commit();                                           // persist now
//
// Threading: any thread, concurrently, after start().
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/client_instance.h"
#include "client/heartbeat.h"
#include "client/offset_store.h"
#include "client/pull_api.h"

namespace ringmq::client {

struct PullConsumerConfig {
  std::string group = "DEFAULT_CONSUMER";
  ClientConfig client;
  MessageModel message_model = MessageModel::clustering;
  std::string offset_store_dir;  // broadcasting only; empty = $HOME/.rocketmq_offsets
  std::int64_t pull_timeout_ms = kDefaultCallTimeoutMs;
};

class PullConsumer {
 public:
  explicit PullConsumer(PullConsumerConfig config) : config_(std::move(config)) {}
  ~PullConsumer();
  PullConsumer(const PullConsumer&) = delete;
  PullConsumer& operator=(const PullConsumer&) = delete;

  Status start();
  // Persists offsets, then stops the client.
  void shutdown();

  Result<std::vector<MessageQueue>> fetch_subscribe_message_queues(const std::string& topic);
  // One pull, answered at once (no long polling).
  Result<PullResult> pull(const MessageQueue& mq, const std::string& sub_expression, std::int64_t offset,
                          int max_nums);
  // Long polling: the broker holds the pull up to `timeout_ms` while the queue has nothing new.
  Result<PullResult> pull_block_if_not_found(const MessageQueue& mq, const std::string& sub_expression,
                                             std::int64_t offset, int max_nums, std::int64_t timeout_ms = kDefaultSuspendTimeoutMs);

  void update_consume_offset(const MessageQueue& mq, std::int64_t offset);
  // The stored offset (the broker's, or the local file's), or -1 when none.
  Result<std::int64_t> fetch_consume_offset(const MessageQueue& mq, bool from_store = true);
  // Writes every updated offset now (otherwise every kPersistOffsetIntervalMs).
  void commit();
  ClientInstance& instance() { return *instance_; }

 private:
  Result<PullResult> pull_impl(const MessageQueue& mq, const std::string& expression, std::int64_t offset,
                               int max_nums, std::int64_t suspend_ms);
  ConsumerData consumer_data();

  PullConsumerConfig config_;
  std::shared_ptr<ClientInstance> instance_;
  std::unique_ptr<OffsetStore> offset_store_;
  std::unique_ptr<PullAPIWrapper> pull_api_;
  std::mutex mutex_;
  std::map<std::string, SubscriptionData> subscriptions_;  // by topic, from the expressions pulled with
};

}  // namespace ringmq::client
