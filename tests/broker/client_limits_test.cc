// The named limits on state clients can grow on the broker: orderly-consumption locks, consumer
// offsets, auto-created subscription groups and what a heartbeat registers.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>

#include "broker/client/client_manager.h"
#include "broker/offset/consumer_offset_manager.h"
#include "broker/metadata_writer.h"
#include "broker/client/rebalance_lock_manager.h"
#include "broker/subscription/subscription_group_manager.h"

using namespace ringmq;
using namespace ringmq::broker;

namespace {
LockedQueue mq(std::int32_t queue_id, std::string topic = "T") { return LockedQueue{std::move(topic), "broker-a", queue_id}; }
}  // namespace

TEST_CASE("rebalance locks: an expired lock is removed by the sweep and another client may take it") {
  RebalanceLockManager locks;
  auto first = locks.try_lock("G", "c1", {mq(0), mq(1)}, 1'000);
  REQUIRE(first.ok());
  CHECK(first->size() == 2);
  auto held = locks.try_lock("G", "c2", {mq(0)}, 2'000);
  REQUIRE(held.ok());
  CHECK(held->empty());
  CHECK(locks.remove_expired(1'000 + kRebalanceLockMaxLiveMs) == 0);
  CHECK(locks.remove_expired(1'001 + kRebalanceLockMaxLiveMs) == 2);
  CHECK(locks.size() == 0);
  auto taken = locks.try_lock("G", "c2", {mq(0)}, 2'000 + kRebalanceLockMaxLiveMs);
  REQUIRE(taken.ok());
  CHECK(taken->size() == 1);
}

TEST_CASE("rebalance locks: a lock request sweeps expired locks once a live time has passed") {
  RebalanceLockManager locks;
  REQUIRE(locks.try_lock("G", "c1", {mq(0), mq(1), mq(2)}, kRebalanceLockMaxLiveMs).ok());
  REQUIRE(locks.try_lock("G", "c2", {mq(0, "U")}, 3 * kRebalanceLockMaxLiveMs).ok());
  CHECK(locks.size() == 1);
}

TEST_CASE("rebalance locks: past kRebalanceLockEntriesMax a request is refused whole, renewals still pass") {
  RebalanceLockManager locks;
  std::vector<LockedQueue> all;
  for (std::size_t i = 0; i < kRebalanceLockEntriesMax; ++i) all.push_back(mq(static_cast<std::int32_t>(i)));
  REQUIRE(locks.try_lock("G", "c1", all, 10).ok());
  CHECK(locks.size() == kRebalanceLockEntriesMax);
  auto refused = locks.try_lock("G2", "c2", {mq(0)}, 20);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == Errc::too_large);
  CHECK(refused.error().detail.find("kRebalanceLockEntriesMax") != std::string::npos);
  CHECK(locks.size() == kRebalanceLockEntriesMax);
  auto renewed = locks.try_lock("G", "c1", {mq(5)}, 30);
  REQUIRE(renewed.ok());
  CHECK(renewed->size() == 1);
  // Once the old locks expire, the full table makes room for new ones.
  auto later = locks.try_lock("G2", "c2", {mq(0)}, 11 + kRebalanceLockMaxLiveMs);
  REQUIRE(later.ok());
  CHECK(later->size() == 1);
  CHECK(locks.size() == 2);
}

TEST_CASE("consumer offsets: a negative queue id or offset is refused and stores nothing") {
  MetadataWriter writer;
  ConsumerOffsetManager offsets("", writer);
  CHECK(offsets.commit("G", "T", -1, 5).error().code == Errc::invalid_argument);
  CHECK(offsets.commit("G", "T", 0, -5).error().code == Errc::invalid_argument);
  CHECK(offsets.entry_count() == 0);
  CHECK_FALSE(offsets.query("G", "T", 0).has_value());
}

TEST_CASE("consumer offsets: past kConsumerOffsetEntriesMax new entries are refused, known ones update") {
  MetadataWriter writer;
  ConsumerOffsetManager offsets("", writer);
  const std::int32_t queues = 1'000;
  for (std::size_t i = 0; i < kConsumerOffsetEntriesMax; ++i) {
    const std::string group = fmt::format("G{}", i / queues);
    REQUIRE(offsets.commit(group, "T", static_cast<std::int32_t>(i % queues), 1).ok());
  }
  CHECK(offsets.entry_count() == kConsumerOffsetEntriesMax);
  Status refused = offsets.commit("other", "T", 0, 1);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == Errc::too_large);
  CHECK(refused.error().detail.find("kConsumerOffsetEntriesMax") != std::string::npos);
  CHECK(offsets.commit("G0", "T", 0, 42).ok());
  CHECK(offsets.query("G0", "T", 0) == 42);
  offsets.remove_group("G0");
  CHECK(offsets.entry_count() == kConsumerOffsetEntriesMax - queues);
  CHECK(offsets.commit("other", "T", 0, 1).ok());
}

TEST_CASE("subscription groups: auto-creation stops at kSubscriptionGroupsMax") {
  MetadataWriter writer;
  SubscriptionGroupManager groups("", true, writer);
  REQUIRE(groups.load().ok());
  bool changed = false;
  for (std::size_t i = groups.table().groups.size(); i < kSubscriptionGroupsMax; ++i) {
    REQUIRE(groups.find_or_create(fmt::format("G{}", i), changed) != nullptr);
  }
  CHECK(groups.table().groups.size() == kSubscriptionGroupsMax);
  changed = false;
  CHECK(groups.find_or_create("one-too-many", changed) == nullptr);
  CHECK_FALSE(changed);
  CHECK(groups.at_limit("one-too-many"));
  CHECK_FALSE(groups.at_limit("G100"));
  CHECK(groups.find_or_create("G100", changed) != nullptr);
  CHECK(SubscriptionGroupManager::limit_remark("x").find("kSubscriptionGroupsMax") != std::string::npos);
}

TEST_CASE("heartbeat limits: too many consumers, producers or subscriptions are refused by name") {
  HeartbeatData hb;
  hb.client_id = "c";
  hb.consumers.resize(1);
  hb.consumers[0].subscriptions.resize(kConsumerSubscriptionsMax);
  CHECK(check_heartbeat_limits(hb).ok());
  hb.consumers[0].subscriptions.resize(kConsumerSubscriptionsMax + 1);
  CHECK(check_heartbeat_limits(hb).error().detail.find("kConsumerSubscriptionsMax") != std::string::npos);
  hb.consumers.assign(kHeartbeatConsumersMax + 1, ConsumerData{});
  CHECK(check_heartbeat_limits(hb).error().detail.find("kHeartbeatConsumersMax") != std::string::npos);
  hb.consumers.clear();
  hb.producer_groups.assign(kHeartbeatProducersMax + 1, "P");
  CHECK(check_heartbeat_limits(hb).error().detail.find("kHeartbeatProducersMax") != std::string::npos);
}

TEST_CASE("heartbeat limits: a group full at kGroupChannelsMax refuses new channels, not its members") {
  ClientManager clients;
  ConsumerData c;
  c.group_name.push_back('G');  // not = "G": g++ 12 gives a false -Wrestrict on that here
  for (std::size_t i = 0; i < kGroupChannelsMax; ++i) {
    clients.consumers.register_consumer(c, ChannelKey{0, i}, ClientChannelInfo{});
    clients.producers.register_producer("P", ChannelKey{0, i}, ClientChannelInfo{});
  }
  HeartbeatData consumer_hb;
  consumer_hb.consumers.push_back(c);
  CHECK(clients.check_group_room(consumer_hb, ChannelKey{0, 1}).ok());
  Status refused = clients.check_group_room(consumer_hb, ChannelKey{1, 1});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().detail.find("kGroupChannelsMax") != std::string::npos);
  HeartbeatData producer_hb;
  producer_hb.producer_groups.push_back("P");
  CHECK(clients.check_group_room(producer_hb, ChannelKey{0, 2}).ok());
  CHECK_FALSE(clients.check_group_room(producer_hb, ChannelKey{2, 0}).ok());
}
