// Producer: RocketMQ's DefaultMQProducer. Sends messages synchronously, asynchronously (callback on
// the client's pool) or oneway, singly or in batches, to a queue it picks round-robin, to a given
// queue, or to the queue a MessageQueueSelector picks (ordered messages: same key, same queue).
// A failed sync/async send is retried on another queue, away from the broker that failed (and, for
// kDefaultFaultIsolationMs, away from any broker that failed recently). Bodies of
// compress_msg_body_over_howmuch bytes or more are zlib-compressed (never in batches), as Java does.
//
//   ProducerConfig config; config.group = "pg";    // NameServer: $NAMESRV_ADDR or 127.0.0.1:9876
//   Producer producer(config);
//   if (auto started = producer.start(); !started) ...;
//   Result<SendResult> r = producer.send(Message("TopicTest", "TagA", "hello"));
//
// Threading: every method may be called from any thread, concurrently, after start(). The sync
// calls block the caller; callbacks run on the client's pool and may call send again.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/client_instance.h"
#include "client/client_limits.h"
#include "client/message.h"
#include "client/mq_fault_strategy.h"
#include "client/request_reply.h"

namespace ringmq::client {

struct ProducerConfig {
  std::string group = "DEFAULT_PRODUCER";
  ClientConfig client;
  std::int64_t send_msg_timeout_ms = kDefaultSendTimeoutMs;
  int retry_times_when_send_failed = kDefaultSendRetries;
  int retry_times_when_send_async_failed = kDefaultSendRetries;
  std::size_t compress_msg_body_over_howmuch = kDefaultCompressOverBytes;
  std::size_t max_message_size = kDefaultMaxMessageBytes;
  int default_topic_queue_nums = kDefaultTopicQueueNums;
  bool send_latency_fault_enable = true;
  std::int64_t fault_isolation_ms = kDefaultFaultIsolationMs;
  // Run send_async callbacks on the client's I/O thread as the answer is read, instead of handing
  // them to the callback pool: one thread wake-up less per send (Kafka's producer works this way).
  // The callback must then be short and must not block; a synchronous send from it fails
  // (Errc::busy). Retries and failures still run on the pool.
  bool callbacks_on_io_thread = false;
};

using SendCallback = std::function<void(Result<SendResult>)>;
// Picks the queue of an ordered send among the topic's publish queues (never empty).
using MessageQueueSelector =
    std::function<MessageQueue(const std::vector<MessageQueue>& mqs, const Message& msg, std::int64_t arg)>;
// SelectMessageQueueByHash: mqs[|arg| % mqs.size()].
MessageQueue select_message_queue_by_hash(const std::vector<MessageQueue>& mqs, const Message& msg, std::int64_t arg);

class Producer {
 public:
  explicit Producer(ProducerConfig config);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  Status start();
  void shutdown();
  const ProducerConfig& config() const { return config_; }
  ClientInstance& instance() { return *instance_; }

  Result<SendResult> send(Message msg);
  Result<SendResult> send(Message msg, const MessageQueue& mq);
  Result<SendResult> send(Message msg, const MessageQueueSelector& selector, std::int64_t arg);
  // `callback` runs once iff this returns ok: on the pool, or on the I/O thread when
  // config.callbacks_on_io_thread says so and the send succeeded.
  Status send_async(Message msg, SendCallback callback);
  Status send_async(Message msg, const MessageQueue& mq, SendCallback callback);
  Status send_oneway(Message msg);
  Status send_oneway(Message msg, const MessageQueue& mq);
  // Batches: messages of one topic, no delay levels, not to %RETRY% topics.
  Result<SendResult> send(std::vector<Message> batch);
  Result<SendResult> send(std::vector<Message> batch, const MessageQueue& mq);
  Status send_async(std::vector<Message> batch, SendCallback callback);

  // Request-reply (client/request_reply.h): sends `msg` stamped with CORRELATION_ID,
  // REPLY_TO_CLIENT and TTL = timeout_ms, and waits up to timeout_ms for the consumer's reply
  // (Errc::timeout: "send request message to <T> OK, but wait reply message timeout, N ms.").
  Result<MessageExt> request(Message msg, std::int64_t timeout_ms);
  // The same without blocking: `callback` runs once on the pool (with the reply, the send's
  // failure, or Errc::timeout after timeout_ms) iff this returns ok.
  Status request(Message msg, RequestCallback callback, std::int64_t timeout_ms);

  Result<std::vector<MessageQueue>> fetch_publish_message_queues(const std::string& topic);
  // MQAdmin#createTopic: creates `topic` with `queue_nums` read and write queues on every master
  // of the cluster that serves `key` (normally TBW102), then waits for the NameServer to know it.
  Status create_topic(const std::string& key, const std::string& topic, int queue_nums);

 private:
  struct Prepared;  // an encoded message ready for any queue
  struct AsyncSend;

  Result<Prepared> prepare(Message& msg) const;
  Result<Prepared> prepare_batch(std::vector<Message>& batch) const;
  Result<std::shared_ptr<const PublishInfo>> publish_info(const std::string& topic);
  void invalidate(const std::string& topic);
  // Forgets the topic's publish info if it is at least `min_age_ms` old (a failed send's hint
  // that the route moved, rate-limited so an outage does not become a NameServer storm).
  void invalidate_if_older(const std::string& topic, std::int64_t min_age_ms);
  remoting::RemotingCommand build_request(const Prepared& prepared, const MessageQueue& mq) const;
  Result<std::string> broker_address(const PublishInfo& info, const MessageQueue& mq);
  Result<SendResult> send_sync(const Prepared& prepared, const MessageQueue* fixed_mq);
  Status start_async(Prepared prepared, const MessageQueue* fixed_mq, SendCallback callback);
  Status send_async_impl(std::shared_ptr<AsyncSend> state);
  // I/O thread: a success is delivered from here; anything else goes on to the pool.
  void on_async_response(std::shared_ptr<AsyncSend> state, const MessageQueue& mq,
                         Result<remoting::RemotingCommand> response);
  // Pool: a failed attempt, retried while attempts and time are left.
  void on_async_failure(std::shared_ptr<AsyncSend> state, const MessageQueue& mq, bool answered, Error error);
  // Hands a final result to the user's callback, on the thread config_ asks for.
  void deliver_async(std::shared_ptr<AsyncSend> state, Result<SendResult> result);
  Status check_started() const;
  // Stamps a request and makes sure the broker knows this client before its reply comes.
  Result<std::string> prepare_request(Message& msg, std::int64_t timeout_ms);

  ProducerConfig config_;
  std::shared_ptr<ClientInstance> instance_;
  MQFaultStrategy fault_strategy_;
  std::mutex publish_mutex_;
  std::map<std::string, std::shared_ptr<const PublishInfo>> publish_infos_;
  // Requests waiting for replies; shared with the PUSH_REPLY_MESSAGE_TO_CLIENT handler.
  std::shared_ptr<RequestFutureTable> requests_ = std::make_shared<RequestFutureTable>();
  std::set<std::string> request_topics_;  // under publish_mutex_: topics requested at least once
};

}  // namespace ringmq::client
