// REAL_TOPIC / REAL_QID stamping and parsing (broker/append/real_destination.h) and the delay
// rewrite that uses it (broker/append/inner_message.h).
#include <doctest/doctest.h>

#include <string>

#include "broker/append/inner_message.h"
#include "broker/append/real_destination.h"
#include "remoting/message_const.h"
#include "remoting/message_properties.h"
#include "remoting/topic_validator.h"

using namespace ringmq;
using namespace ringmq::broker;
namespace prop = remoting::property;

TEST_CASE("real destination: stamped, read back and erased") {
  remoting::MessageProperties props;
  props.set(prop::kTags, "a");
  stamp_real_destination(props, "Orders", 7);
  CHECK(props.get(prop::kRealTopic) == "Orders");
  CHECK(props.get(prop::kRealQueueId) == "7");
  // Through the encoded form, as a stored record carries it.
  const auto decoded = remoting::MessageProperties::decode(props.encode(false));
  auto real = real_destination_of(decoded);
  REQUIRE(real.has_value());
  CHECK(real->topic == "Orders");
  CHECK(real->queue_id == 7);
  // A second stamp replaces the first, not appends beside it.
  stamp_real_destination(props, "Other", 0);
  CHECK(props.size() == 3);
  CHECK(real_destination_of(props)->topic == "Other");
  erase_real_destination(props);
  CHECK(!props.contains(prop::kRealTopic));
  CHECK(!props.contains(prop::kRealQueueId));
  CHECK(props.get(prop::kTags) == "a");
  CHECK(!real_destination_of(props).has_value());
}

TEST_CASE("real destination: missing or malformed REAL_QID names no destination") {
  for (const char* qid : {"", "12abc", "abc", "99999999999", " 3", "3 "}) {
    remoting::MessageProperties props;
    props.set(prop::kRealTopic, "T");
    props.set(prop::kRealQueueId, qid);
    CHECK_MESSAGE(!real_destination_of(props).has_value(), qid);
  }
  remoting::MessageProperties only_topic;
  only_topic.set(prop::kRealTopic, "T");
  CHECK(!real_destination_of(only_topic).has_value());
  remoting::MessageProperties only_qid;
  only_qid.set(prop::kRealQueueId, "1");
  CHECK(!real_destination_of(only_qid).has_value());
  remoting::MessageProperties negative;
  stamp_real_destination(negative, "T", -1);
  CHECK(real_destination_of(negative)->queue_id == -1);
}

TEST_CASE("delay rewrite: a delayed message goes to SCHEDULE_TOPIC_XXXX with its real destination") {
  auto levels = DelayLevels::parse("1s 5s 10s");
  REQUIRE(levels.ok());
  remoting::MessageProperties props;
  props.set(prop::kDelayTimeLevel, "9");  // clamped to the last level
  std::string topic = "Orders";
  std::int32_t queue = 5;
  std::string encoded = props.encode(false);
  REQUIRE(apply_delay_rewrite(*levels, topic, queue, encoded, 0));
  CHECK(topic == remoting::system_topic::kSchedule);
  CHECK(queue == 2);
  const auto stored = remoting::MessageProperties::decode(encoded);
  CHECK(stored.get(prop::kDelayTimeLevel) == "3");
  auto real = real_destination_of(stored);
  REQUIRE(real.has_value());
  CHECK(real->topic == "Orders");
  CHECK(real->queue_id == 5);
}

TEST_CASE("delay rewrite: no level, level 0 and prepared or rolled-back transactions stay put") {
  auto levels = DelayLevels::parse("1s 5s");
  REQUIRE(levels.ok());
  auto unchanged = [&](std::string properties, std::int32_t sys_flag) {
    std::string topic = "T";
    std::int32_t queue = 1;
    const std::string before = properties;
    const bool rewritten = apply_delay_rewrite(*levels, topic, queue, properties, sys_flag);
    return !rewritten && topic == "T" && queue == 1 && properties == before;
  };
  remoting::MessageProperties delayed;
  delayed.set(prop::kDelayTimeLevel, "1");
  remoting::MessageProperties zero;
  zero.set(prop::kDelayTimeLevel, "0");
  CHECK(unchanged("", 0));
  CHECK(unchanged(zero.encode(false), 0));
  CHECK(unchanged(delayed.encode(false), store::kSysFlagTransactionPrepared));
  CHECK(unchanged(delayed.encode(false), store::kSysFlagTransactionRollback));
  CHECK(!unchanged(delayed.encode(false), store::kSysFlagTransactionCommit));
}
