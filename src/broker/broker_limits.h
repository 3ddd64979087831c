// The broker's limits, in one place, with the relations between them checked at compile time.
//
// Per core: the work a core may hold on behalf of requests (cross-core tasks parked behind full
// rings, sends waiting for the disk or a slave, parked pulls, compiled filters) and what one pull
// may return. Broker-wide: the tables that grow with what clients ask for (subscription groups,
// consumer offsets, rebalance locks, heartbeat contents). Where each is enforced is said beside it;
// a limit past which work would have to be dropped is instead kept out of reach by a refusal
// earlier on (see the static_asserts at the end).
//
// Protocol and file-format limits stay with their formats (ha/ha_frame.h, acl/plain_acl_config.h),
// the remoting layer's with it (rpc/limits.h, reactor/limits.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "reactor/limits.h"

namespace ringmq::broker {

// ---------------------------------------------------------------------------------------------
// Cross-core tasks parked because a ring to another core was full (BrokerRuntime::post_now).

// Tasks parked on one core. Work already owed (a reply, a continuation) is never dropped, so this
// is kept out of reach: requests are refused from kOverflowTasksRefuseRequests on, and what the
// core may still owe after that fits below this (static_assert below). Reaching it logs an error.
inline constexpr std::size_t kOverflowTasksMax = 1 << 18;
// From this many parked tasks on, the core answers new requests SYSTEM_BUSY at the door
// (processor/broker_handlers.cc) instead of taking on more cross-core work.
inline constexpr std::size_t kOverflowTasksRefuseRequests = 1 << 15;
// How soon a core retries cross-core posts that found a ring full (a one-shot timer, armed only
// while some wait).
inline constexpr std::int64_t kOverflowRetryMs = 1;

// ---------------------------------------------------------------------------------------------
// Sends and pulls parked on the core that owns their queue.

// Sends parked for the disk on one core (GroupCommit); past it, a send is answered
// FLUSH_DISK_TIMEOUT at once (its message is stored, durability not confirmed) rather than parked.
inline constexpr std::size_t kDurableWaitersPerCoreMax = 64 * 1024;
// Sends parked for a slave's confirmation on one core (ha::HaMaster, SYNC_MASTER); past it, a send
// is answered FLUSH_SLAVE_TIMEOUT at once.
inline constexpr std::size_t kReplicaWaitersPerCoreMax = 64 * 1024;
// Parked pulls per queue and per core (PullRequestHoldService); a pull beyond either is answered
// PULL_NOT_FOUND at once.
inline constexpr std::size_t kHeldPullsPerQueueMax = 1024;
inline constexpr std::size_t kHeldPullsPerCoreMax = 64 * 1024;
// Distinct selectors a core keeps compiled; the cache is emptied when it is full.
inline constexpr std::size_t kCompiledFiltersPerCoreMax = 256;

// ---------------------------------------------------------------------------------------------
// One pull.

// Messages one pull returns at most whatever the client asks (RocketMQ
// maxTransferCountOnMessageInMemory) and the bytes after which it stops adding
// (maxTransferBytesOnMessageInMemory; one message is always returned).
inline constexpr std::int32_t kPullMessagesMax = 32;
inline constexpr std::size_t kPullTransferBytesMax = 256 * 1024;
// Longest a pull is parked whatever suspendTimeoutMillis asks (clients send 15-30 s). The value
// comes from the client: unbounded, it overflowed the timer deadline (ms * 10^6) and could keep
// a dead connection's pull in a per-queue slot for ever.
inline constexpr std::int64_t kPullSuspendTimeoutMaxMs = 60'000;

// ---------------------------------------------------------------------------------------------
// Tables that grow with what clients ask for.

// Subscription groups auto-creation may grow the table to (system groups included). Each one is a
// line of subscriptionGroup.json, rewritten on every change, and a copy in every core's snapshot.
inline constexpr std::size_t kSubscriptionGroupsMax = 10'000;
// (topic@group, queueId) entries across the table. Every entry is rewritten to consumerOffset.json
// on each save, so this also bounds the size of that file (a few MB).
inline constexpr std::size_t kConsumerOffsetEntriesMax = 200'000;
// Locks held at once across all groups: one per (group, queue) an orderly consumer owns. Generous
// for real deployments (thousands of queues x a few orderly groups), small enough in memory.
inline constexpr std::size_t kRebalanceLockEntriesMax = 100'000;
// Limits on what one heartbeat may register (RocketMQ has none; real clients send one consumer or
// producer per group they run, a handful at most, and a subscription per topic they consume).
inline constexpr std::size_t kHeartbeatConsumersMax = 256;
inline constexpr std::size_t kHeartbeatProducersMax = 256;
inline constexpr std::size_t kConsumerSubscriptionsMax = 1'024;
// Client channels (connections) in one consumer or producer group. Every member of a consumer
// group is told of each join and leave, so the group's size also bounds that fan-out.
inline constexpr std::size_t kGroupChannelsMax = 1'024;
// Queues a topic may be created or updated with (auto-creation clamps to it; UPDATE_AND_CREATE_TOPIC
// beyond it is refused).
inline constexpr std::int32_t kAutoCreatedQueueNumsMax = 1024;
// Live config updates a broker takes before it asks for a restart (each keeps one small snapshot
// alive).
inline constexpr std::size_t kBrokerConfigUpdatesMax = 1024;

// ---------------------------------------------------------------------------------------------
// Statistics and metrics: label cardinality.

// Topic and group keys one stats table keeps; later keys are counted under one "other" key.
inline constexpr std::size_t kStatsKeysMax = 1024;
// Topics and groups named in /metrics (in name order); the rest are summed under "other".
inline constexpr std::size_t kMetricsTopicsMax = 200;
inline constexpr std::size_t kMetricsGroupsMax = 100;

// ---------------------------------------------------------------------------------------------
// How the limits relate.

// Refusing starts before the hard limit, and only once at least a whole ring's worth is parked
// (fewer is an ordinary burst the next pass drains).
static_assert(kOverflowTasksRefuseRequests < kOverflowTasksMax);
static_assert(kOverflowTasksRefuseRequests >= reactor::kCrossCoreRingCapacity);
// Once a core refuses requests, what it still owes includes one reply, possibly to another core,
// for every send and pull parked on it; those all fit between the refusal and the hard limit.
static_assert(kOverflowTasksMax - kOverflowTasksRefuseRequests >=
              kDurableWaitersPerCoreMax + kReplicaWaitersPerCoreMax + kHeldPullsPerCoreMax);
// Under SYNC_MASTER with --flush sync every send a flush round releases parks again for a slave:
// the second queue is no smaller than the first.
static_assert(kReplicaWaitersPerCoreMax >= kDurableWaitersPerCoreMax);
static_assert(kHeldPullsPerQueueMax <= kHeldPullsPerCoreMax);
// /metrics names no more keys than the stats tables keep.
static_assert(kMetricsTopicsMax <= kStatsKeysMax && kMetricsGroupsMax <= kStatsKeysMax);
// A pull's reply fits a connection's send queue (a larger one closes the connection).
static_assert(kPullTransferBytesMax < reactor::kSendQueueBytesMax);
static_assert(kPullMessagesMax > 0);
// A parked pull's deadline in nanoseconds does not overflow.
static_assert(kPullSuspendTimeoutMaxMs <= std::numeric_limits<std::int64_t>::max() / 1'000'000);

}  // namespace ringmq::broker
