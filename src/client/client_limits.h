// Every limit and default of the client library, in one place (names follow RocketMQ's
// DefaultMQProducer / DefaultMQPushConsumer fields where one exists).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ringmq::client {

// --- calls ---------------------------------------------------------------------------------------
// NameServer and admin calls (route lookup, offsets, consumer lists).
inline constexpr std::int64_t kDefaultCallTimeoutMs = 3000;
// DefaultMQProducer.sendMsgTimeout.
inline constexpr std::int64_t kDefaultSendTimeoutMs = 3000;
// DefaultMQProducer.retryTimesWhenSendFailed / retryTimesWhenSendAsyncFailed.
inline constexpr int kDefaultSendRetries = 2;
// Callbacks handed to the pool and not yet run; past it an async send fails with Errc::busy.
inline constexpr std::size_t kCallbackQueueMax = 1 << 20;
// Threads of the callback pool (async send callbacks, pull result handling).
inline constexpr unsigned kDefaultCallbackThreads = 2;

// --- producer ------------------------------------------------------------------------------------
// DefaultMQProducer.compressMsgBodyOverHowmuch and the zlib level Java uses (§4.4).
inline constexpr std::size_t kDefaultCompressOverBytes = 4096;
inline constexpr int kCompressLevel = 5;
// DefaultMQProducer.maxMessageSize.
inline constexpr std::size_t kDefaultMaxMessageBytes = 4 * 1024 * 1024;
// DefaultMQProducer.defaultTopicQueueNums: queues of a topic created on first send.
inline constexpr int kDefaultTopicQueueNums = 4;
inline constexpr const char* kAutoCreateTopicKey = "TBW102";
// A broker whose send failed is avoided for this long (latency fault tolerance, simplified:
// Java's table maps latency buckets to 0 s .. 600 s; one isolation period is enough here).
inline constexpr std::int64_t kDefaultFaultIsolationMs = 10000;

// --- routes and heartbeats -----------------------------------------------------------------------
// pollNameServerInterval and heartbeatBrokerInterval.
inline constexpr std::int64_t kRouteRefreshIntervalMs = 30000;
inline constexpr std::int64_t kHeartbeatIntervalMs = 30000;
// A send that could not reach its broker re-reads the topic's route on the next send, at most this
// often per topic: a master that died leaves the NameServer's route at once (its connection
// closes), and the producer should say "no master" then rather than after the 30 s poll.
inline constexpr std::int64_t kRouteRefreshAfterSendFailureMs = 1000;

// --- consumers -----------------------------------------------------------------------------------
// DefaultMQPushConsumer.pullBatchSize and the long-poll hold the Java push consumer asks for.
inline constexpr int kDefaultPullBatchSize = 32;
inline constexpr std::int64_t kDefaultSuspendTimeoutMs = 15000;
// The client's RPC timeout for a suspended pull (Java: 30 s).
inline constexpr std::int64_t kLongPollCallTimeoutMs = 30000;
// Pull retried after an error (pullTimeDelayMillsWhenException).
inline constexpr std::int64_t kPullDelayOnErrorMs = 3000;
// Flow control: a queue with this many messages cached and not consumed pauses its pulls
// (pullThresholdForQueue), checked again after kPullDelayOnFlowControlMs.
inline constexpr std::size_t kPullThresholdForQueue = 1000;
inline constexpr std::int64_t kPullDelayOnFlowControlMs = 50;
// consumeThreadMin/Max (one fixed size here).
inline constexpr unsigned kDefaultConsumeThreads = 4;
// maxReconsumeTimes (then the broker moves the message to %DLQ%).
inline constexpr int kDefaultMaxReconsumeTimes = 16;
// Rebalance period (rocketmq.client.rebalance.waitInterval) and offset persistence period
// (persistConsumerOffsetInterval).
inline constexpr std::int64_t kRebalanceIntervalMs = 20000;
inline constexpr std::int64_t kPersistOffsetIntervalMs = 5000;
// Orderly consumption: queue locks are renewed this often (the broker expires them after 60 s),
// and a SUSPEND_CURRENT_QUEUE_A_MOMENT result retries the same messages after this delay.
inline constexpr std::int64_t kLockRenewIntervalMs = 20000;
inline constexpr std::int64_t kSuspendCurrentQueueMs = 1000;
// A message whose send-back failed is consumed again locally after this delay.
inline constexpr std::int64_t kReconsumeLocallyDelayMs = 5000;
// Messages handed to an orderly listener at once (consumeMessageBatchMaxSize).
inline constexpr std::size_t kConsumeBatchMax = 1;

}  // namespace ringmq::client
