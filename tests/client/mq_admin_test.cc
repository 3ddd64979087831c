#include "client/mq_admin.h"

#include <doctest/doctest.h>

using namespace ringmq::client;

TEST_CASE("mq_admin: a ResetOffsetBody's object-keyed map is read in order") {
  const auto table = parse_queue_offset_table(
      R"({"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:5,{"brokerName":"broker-b","queueId":3,"topic":"T"}:-1}})");
  REQUIRE(table.size() == 2);
  CHECK(table[0].first == MessageQueue{"T", "broker-a", 0});
  CHECK(table[0].second == 5);
  CHECK(table[1].first == MessageQueue{"T", "broker-b", 3});
  CHECK(table[1].second == -1);
}

TEST_CASE("mq_admin: the C++ form's entries carry their offset inside") {
  const auto table = parse_queue_offset_table(
      R"({"offsetTable":[{"brokerName":"b","offset":42,"queueId":1,"topic":"T"}]})");
  REQUIRE(table.size() == 1);
  CHECK(table[0].first == MessageQueue{"T", "b", 1});
  CHECK(table[0].second == 42);
}

TEST_CASE("mq_admin: damaged entries are skipped, never read past the body") {
  CHECK(parse_queue_offset_table(R"({"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:)").empty());
  CHECK(parse_queue_offset_table(R"({"brokerName":"b","queueId":"x","topic":"T"}:1)").empty());
  CHECK(parse_queue_offset_table(R"({"brokerName":"b")").empty());
  CHECK(parse_queue_offset_table("").empty());
}
