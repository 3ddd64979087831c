#include "broker/broker_config_update.h"

#include <doctest/doctest.h>

using namespace ringmq;
using namespace ringmq::broker;

TEST_CASE("broker_config_update: mutable keys are applied to a copy") {
  BrokerConfig base;
  auto next = apply_broker_config_update(base, {{"longPollingEnable", "false"}, {"shortPollingTimeMills", "250"},
                                                {"channelExpiredTimeout", "5000"}, {"enablePropertyFilter", "true"}});
  REQUIRE(next.ok());
  CHECK_FALSE(next->long_polling_enable);
  CHECK(next->short_polling_time_ms == 250);
  CHECK(next->channel_expired_timeout_ms == 5000);
  CHECK(next->enable_property_filter);
  CHECK(base.long_polling_enable);  // the base is untouched
}

TEST_CASE("broker_config_update: a key fixed at start or a bad value refuses the whole update") {
  BrokerConfig base;
  auto fixed = apply_broker_config_update(base, {{"enablePropertyFilter", "true"}, {"flushDiskType", "SYNC_FLUSH"}});
  REQUIRE_FALSE(fixed.ok());
  CHECK(fixed.error().detail.find("'flushDiskType' cannot be changed") != std::string::npos);
  auto range = apply_broker_config_update(base, {{"channelExpiredTimeout", "999"}});
  REQUIRE_FALSE(range.ok());
  CHECK(range.error().detail == "channelExpiredTimeout = 999: expected an integer in [1000, 86400000]");
  CHECK_FALSE(apply_broker_config_update(base, {{"longPollingEnable", "yes"}}).ok());
  CHECK_FALSE(apply_broker_config_update(base, {{"shortPollingTimeMills", "12x"}}).ok());
}
