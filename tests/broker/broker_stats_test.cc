#include "broker/stats/broker_stats.h"

#include <doctest/doctest.h>

#include <string>

#include "broker/broker_runtime.h"
#include "broker/stats/latency_histogram.h"

using namespace ringmq::broker;

TEST_CASE("broker_stats: a stats item's minute window is the change between its oldest and newest sample") {
  StatsItem item;
  item.sample_minute(0);
  item.add(30);
  item.add(10);
  item.sample_minute(10'000);
  const StatsSnapshot s = item.minute();
  CHECK(s.sum == 40);
  CHECK(s.times == 2);
  CHECK(s.tps == doctest::Approx(4.0));
  CHECK(s.avgpt() == doctest::Approx(20.0));
}

TEST_CASE("broker_stats: the minute window keeps seven samples, so old traffic leaves it") {
  StatsItem item;
  item.add(100);
  for (int i = 0; i < 7; ++i) item.sample_minute(i * 10'000);
  CHECK(item.minute().sum == 0);  // the 100 happened before the oldest sample kept
  item.add(6);
  item.sample_minute(70'000);
  CHECK(item.minute().sum == 6);
  CHECK(item.minute().tps == doctest::Approx(0.1));
}

TEST_CASE("broker_stats: tables cap their keys and count the rest under the other key") {
  StatsTable table;
  for (std::size_t i = 0; i < kStatsKeysMax; ++i) table.item(std::to_string(i + 1'000'000)).add(1);
  table.item("one-too-many").add(5);
  table.item("another").add(2);
  CHECK(table.items().size() == kStatsKeysMax + 1);
  CHECK(table.find("one-too-many") == nullptr);
  REQUIRE(table.find(kOtherStatsKey) != nullptr);
  CHECK(table.find(kOtherStatsKey)->value() == 7);
}

TEST_CASE("broker_stats: TPS triples come from one-second samples of the totals") {
  CoreStatsSet set;
  CoreStats totals;
  for (int second = 0; second <= 20; ++second) {
    set.tick(totals, 1'000'000 + second * 1000);
    totals.put_messages += 50;  // 50 messages per second
  }
  const TpsTriple put = set.tps(&TotalsSample::put_messages);
  CHECK(put.seconds_10 == doctest::Approx(50.0));
  CHECK(put.seconds_60 == doctest::Approx(50.0));  // fewer samples than a minute: the oldest one
  CHECK(set.tps(&TotalsSample::get_messages).seconds_10 == doctest::Approx(0.0));
}

TEST_CASE("broker_stats: record_get keys group items by topic@group") {
  CoreStatsSet set;
  set.record_get("T", "g", 3, 300);
  set.record_put("T", 2, 200);
  REQUIRE(set.group_get_nums.find("T@g") != nullptr);
  CHECK(set.group_get_nums.find("T@g")->value() == 3);
  CHECK(set.group_get_size.find("T@g")->value() == 300);
  CHECK(set.topic_put_size.find("T")->value() == 200);
}

TEST_CASE("broker_stats: put latencies fall in Java's putMessageDistributeTime buckets") {
  CHECK(put_latency_bucket(0) == 0);
  CHECK(put_latency_bucket(999) == 0);      // under 1 ms is "<=0ms"
  CHECK(put_latency_bucket(1000) == 1);     // [0~10ms]
  CHECK(put_latency_bucket(9999) == 1);
  CHECK(put_latency_bucket(10'000) == 2);   // [10~50ms]
  CHECK(put_latency_bucket(10'000'000) == kPutLatencyBuckets - 1);  // [10s~]
}

TEST_CASE("broker_stats: doubles print as Java's Double.toString does for TPS") {
  CHECK(java_double_text(0) == "0.0");
  CHECK(java_double_text(12) == "12.0");
  CHECK(java_double_text(0.125) == "0.125");
}

TEST_CASE("latency_histogram: a sample lands in the first bucket whose bound it does not exceed") {
  ringmq::broker::LatencyHistogram h;
  h.record(100);         // on the 100 us bound: the first bucket
  h.record(101);         // just above: the second (250 us)
  h.record(-5);          // a clock step backwards counts as 0
  h.record(20'000'000);  // past 10 s: +Inf
  CHECK(h.buckets[0] == 2);
  CHECK(h.buckets[1] == 1);
  CHECK(h.buckets[ringmq::broker::kLatencyBucketBounds] == 1);
  CHECK(h.count() == 4);
  CHECK(h.sum_us == 100 + 101 + 20'000'000);
  ringmq::broker::LatencyHistogram total;
  total.add(h);
  total.add(h);
  CHECK(total.count() == 8);
  CHECK(total.sum_us == 2 * h.sum_us);
}
