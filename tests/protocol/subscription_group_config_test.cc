#include "protocol/subscription_group_config.h"

#include <doctest/doctest.h>

using namespace ringmq;
using namespace ringmq::protocol;

TEST_CASE("subscription group config: the admin body is fastjson's bytes, and reads back") {
  SubscriptionGroupConfig c;
  c.group_name = "G";
  c.retry_max_times = 3;
  c.broker_id = 1;
  c.consume_enable = false;
  const std::string body = encode_subscription_group(c);
  CHECK(body ==
        R"({"brokerId":1,"consumeBroadcastEnable":true,"consumeEnable":false,"consumeFromMinEnable":true,)"
        R"("groupName":"G","notifyConsumerIdsChangedEnable":true,"retryMaxTimes":3,"retryQueueNums":1,)"
        R"("whichBrokerWhenConsumeSlowly":1})");
  auto back = decode_subscription_group(body);
  REQUIRE(back.ok());
  CHECK(*back == c);
}

TEST_CASE("subscription group config: missing keys take Java's defaults; no groupName or a mistyped key is refused") {
  auto c = decode_subscription_group(R"({"groupName":"G","retryQueueNums":2,"unknownField":[1]})");
  REQUIRE(c.ok());
  CHECK(c->retry_queue_nums == 2);
  CHECK(c->retry_max_times == 16);
  CHECK(c->which_broker_when_consume_slowly == 1);
  CHECK(decode_subscription_group(R"({"retryQueueNums":2})").error().code == Errc::malformed);
  CHECK(decode_subscription_group(R"({"groupName":"G","consumeEnable":"yes"})").error().code == Errc::malformed);
  CHECK(!decode_subscription_group("[]").ok());
}
