// ConsumerManager (what a heartbeat registers) and DelayLevels.
#include <doctest/doctest.h>

#include "broker/client/client_manager.h"
#include "broker/schedule/delay_levels.h"

using namespace ringmq;
using namespace ringmq::broker;

TEST_CASE("consumer_manager: a new channel changes the group; the same channel again does not") {
  ConsumerManager m;
  ConsumerData d;
  d.group_name = std::string(1, 'g');
  d.subscriptions.push_back(build_subscription("T", "*"));
  ClientChannelInfo info{"cid-1", "1.2.3.4:5", "JAVA", 401, 1000};
  CHECK(m.register_consumer(d, {0, 1}, info).channels_changed);
  CHECK_FALSE(m.register_consumer(d, {0, 1}, info).channels_changed);
  info.client_id = "cid-0";
  CHECK(m.register_consumer(d, {1, 7}, info).channels_changed);
  CHECK(m.consumer_ids("g") == std::vector<std::string>{"cid-0", "cid-1"});
  CHECK(m.remove_channel({0, 1}) == std::vector<std::string>{"g"});
  std::vector<std::string> left;
  CHECK(m.expire(1000 + 120'001, 120'000, left).size() == 1);
  CHECK(left == std::vector<std::string>{"g"});
  CHECK(m.find("g") == nullptr);
}

TEST_CASE("consumer_manager: an older subVersion does not replace a newer subscription") {
  ConsumerManager m;
  ConsumerData d;
  d.group_name = std::string(1, 'g');
  SubscriptionData s = build_subscription("T", "TagA");
  s.sub_version = 20;
  d.subscriptions = {s};
  m.register_consumer(d, {0, 1}, {});
  d.subscriptions[0] = build_subscription("T", "TagB");
  d.subscriptions[0].sub_version = 10;
  CHECK_FALSE(m.register_consumer(d, {0, 1}, {}).subscriptions_changed);
  CHECK(m.find("g")->subscriptions.at("T").sub_string == "TagA");
}

TEST_CASE("delay_levels: RocketMQ's default string gives 18 levels from 1 s to 2 h") {
  auto levels = DelayLevels::parse("1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h");
  REQUIRE(levels.ok());
  CHECK(levels->max_level() == 18);
  CHECK(levels->delay_ms(1) == 1000);
  CHECK(levels->delay_ms(3) == 10'000);
  CHECK(levels->delay_ms(18) == 2 * 3600 * 1000);
  CHECK(levels->level_of("99") == 18);
  CHECK(levels->level_of("0") == 0);
  CHECK(levels->level_of("x") == 0);
  CHECK_FALSE(DelayLevels::parse("1s 5x").ok());
  CHECK_FALSE(DelayLevels::parse("").ok());
  CHECK(DelayLevels::parse("1d")->delay_ms(1) == 24 * 3600 * 1000);
}
