// PushConsumer: RocketMQ's DefaultMQPushConsumer. It subscribes to topics, takes its share of the
// queues (clustering: average rebalance among the group's consumers, §13; broadcasting: every
// queue), long-polls them and hands messages to a listener on its consume threads.
//
// Concurrent listener: messages of a queue are consumed in parallel; RECONSUME_LATER sends the
// message back to the broker (CONSUMER_SEND_MSG_BACK: %RETRY%<group>, delay 10 s, 30 s, ... then
// %DLQ%<group>). Orderly listener: one batch at a time per queue, in queue order, while holding the
// broker's lock on the queue (clustering); SUSPEND_CURRENT_QUEUE_A_MOMENT retries the same messages
// after kSuspendCurrentQueueMs. Offsets: brokers (clustering) or a local file (broadcasting),
// persisted every kPersistOffsetIntervalMs and at shutdown.
//
// Threading: configure, subscribe and register a listener before start(); shutdown() from any
// thread except a listener. Listeners run on the consume threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/callback_pool.h"
#include "client/client_instance.h"
#include "client/heartbeat.h"
#include "client/offset_store.h"
#include "client/process_queue.h"
#include "client/pull_api.h"

namespace ringmq::client {

enum class ConsumeConcurrentlyStatus { consume_success, reconsume_later };
enum class ConsumeOrderlyStatus { success, suspend_current_queue_a_moment };
using MessageListenerConcurrently = std::function<ConsumeConcurrentlyStatus(const std::vector<MessageExt>&)>;
using MessageListenerOrderly = std::function<ConsumeOrderlyStatus(const std::vector<MessageExt>&)>;

struct PushConsumerConfig {
  std::string group = "DEFAULT_CONSUMER";
  ClientConfig client;
  MessageModel message_model = MessageModel::clustering;
  ConsumeFromWhere consume_from_where = ConsumeFromWhere::last_offset;
  unsigned consume_thread_count = kDefaultConsumeThreads;
  int pull_batch_size = kDefaultPullBatchSize;
  int max_reconsume_times = kDefaultMaxReconsumeTimes;
  std::int64_t suspend_timeout_ms = kDefaultSuspendTimeoutMs;
  std::string offset_store_dir;  // broadcasting only; empty = $HOME/.rocketmq_offsets
};

// MessageSelector (RocketMQ's client MessageSelector): a subscription by tags, or by a SQL92
// expression over message properties, which the broker evaluates on pull (it needs
// enablePropertyFilter=true; filter/sql_expression.h has the grammar).
struct MessageSelector {
  std::string expression_type = "TAG";
  std::string expression = "*";

  static MessageSelector by_tag(std::string tags) { return {"TAG", std::move(tags)}; }
  static MessageSelector by_sql(std::string sql) { return {"SQL92", std::move(sql)}; }
};

class PushConsumer {
 public:
  explicit PushConsumer(PushConsumerConfig config) : config_(std::move(config)) {}
  ~PushConsumer();
  PushConsumer(const PushConsumer&) = delete;
  PushConsumer& operator=(const PushConsumer&) = delete;

  // "*" or "TagA || TagB".
  Status subscribe(const std::string& topic, const std::string& sub_expression);
  // By tags or SQL92. Errors (invalid_argument): an empty SQL92 expression, or one that does not
  // compile (the message is the parser's, "Invalid MessageSelector. ...").
  Status subscribe(const std::string& topic, const MessageSelector& selector);
  void register_message_listener(MessageListenerConcurrently listener) { concurrent_listener_ = std::move(listener); }
  void register_message_listener(MessageListenerOrderly listener) { orderly_listener_ = std::move(listener); }

  Status start();
  void shutdown();
  // Rebalances now (also runs every kRebalanceIntervalMs and when the broker says the group changed).
  void do_rebalance();
  // The queues this consumer holds now.
  std::vector<MessageQueue> assigned_queues();
  ClientInstance& instance() { return *instance_; }
  const std::string& client_id() const { return instance_->client_id(); }

 private:
  using PQ = std::shared_ptr<ProcessQueue>;

  bool orderly() const { return static_cast<bool>(orderly_listener_); }
  bool clustering() const { return config_.message_model == MessageModel::clustering; }
  ConsumerData consumer_data();
  // rebalance
  Result<std::vector<std::string>> find_consumer_ids(const TopicRouteData& route);
  void rebalance_topic(const std::string& topic);
  void update_process_queues(const std::string& topic, const std::vector<MessageQueue>& allocated);
  Result<std::int64_t> compute_pull_from_where(const MessageQueue& mq);
  void lock_all();
  Status lock_queues(const std::string& broker_name, const std::vector<PQ>& pqs);
  void unlock_all();
  // pulling
  void pull(PQ pq);
  void pull_later(PQ pq, std::int64_t delay_ms);
  // I/O thread (see pull()): must not block.
  void on_pull_result(PQ pq, Result<PullResult> result);
  // consuming
  void submit_concurrent(PQ pq, std::vector<MessageExt> msgs);
  void consume_concurrently(PQ pq, std::vector<MessageExt> msgs);
  void submit_orderly(PQ pq);
  void consume_orderly(PQ pq);
  Status send_message_back(const MessageExt& msg, int delay_level);
  void commit(const PQ& pq, std::int64_t offset);
  void persist_offsets();
  void unregister_client();
  // broker requests (push_consumer_admin.cc)
  Status register_broker_requests();
  void reset_offset(const remoting::RemotingCommand& request);
  remoting::RemotingCommand consumer_status(const remoting::RemotingCommand& request);
  remoting::RemotingCommand running_info(const remoting::RemotingCommand& request);
  remoting::RemotingCommand consume_directly(const remoting::RemotingCommand& request);

  PushConsumerConfig config_;
  MessageListenerConcurrently concurrent_listener_;
  MessageListenerOrderly orderly_listener_;
  std::shared_ptr<ClientInstance> instance_;
  std::unique_ptr<CallbackPool> consume_pool_;
  std::unique_ptr<OffsetStore> offset_store_;
  std::unique_ptr<PullAPIWrapper> pull_api_;
  std::atomic<bool> running_{false};

  std::mutex mutex_;  // guards subscriptions_ and process_queues_
  std::map<std::string, SubscriptionData> subscriptions_;  // by topic; never erased after start()
  std::map<MessageQueue, PQ> process_queues_;
  std::mutex rebalance_mutex_;  // one rebalance at a time
  std::int64_t start_timestamp_ms_ = 0;
};

}  // namespace ringmq::client
