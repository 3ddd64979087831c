// MessageAppendService on a real shard in a temporary directory: every append gets its tag code,
// the stats its source calls for, and the on-append hook; refused appends count as failures.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "../store/shard_harness.h"
#include "../store/test_util.h"
#include "broker/append/message_append_service.h"
#include "remoting/message_const.h"
#include "remoting/message_properties.h"
#include "remoting/topic_validator.h"

using namespace ringmq;
using namespace ringmq::broker;
using store::testing::ShardHarness;
using store::testing::TempDir;

namespace {

struct Appended {
  std::string topic;
  std::int32_t queue_id = 0;
  std::int64_t tags_code = 0;
};

struct Fixture {
  TempDir tmp;
  ShardHarness shard{tmp.path(), store::testing::small_store_options()};
  DelayLevels levels = DelayLevels::parse("1s 5s 10s").value();
  CoreStats stats;
  CoreStatsSet stats_set;
  std::vector<Appended> hooked;
  MessageAppendService service{*shard.shard, levels, stats, stats_set,
                               [this](std::string_view t, std::int32_t q, std::int64_t tags) {
                                 hooked.push_back({std::string(t), q, tags});
                               }};
};

std::uint64_t latency_count(const CoreStats& s) {
  std::uint64_t n = 0;
  for (auto b : s.put_latency_buckets) n += b;
  return n;
}

std::string tags_properties(std::string_view tag) {
  remoting::MessageProperties p;
  p.set(remoting::property::kTags, tag);
  return p.encode(false);
}

}  // namespace

TEST_CASE("append service: a producer's message counts everywhere and runs the hook") {
  Fixture f;
  const std::string props = tags_properties("TagA");
  store::MessageInput in = store::testing::message("T", 2, "hello", props);
  in.tags_code = 0;  // the service sets it
  auto r = f.service.put(in, AppendSource::producer);
  REQUIRE(r.ok());
  CHECK(in.tags_code == store::tag_hash_of(props));
  CHECK(f.stats.put_messages == 1);
  CHECK(f.stats.put_bytes == r->size);
  CHECK(latency_count(f.stats) == 1);
  CHECK(f.stats.put_failures == 0);
  const StatsItem* item = f.stats_set.topic_put_nums.find("T");
  REQUIRE(item != nullptr);
  CHECK(item->value() == 1);
  REQUIRE(f.stats_set.topic_put_size.find("T") != nullptr);
  CHECK(f.stats_set.topic_put_size.find("T")->value() == r->size);
  REQUIRE(f.hooked.size() == 1);
  CHECK(f.hooked[0].topic == "T");
  CHECK(f.hooked[0].queue_id == 2);
  CHECK(f.hooked[0].tags_code == in.tags_code);
  CHECK(f.shard.shard->max_offset("T", store::QueueId{2}).value == 1);
}

TEST_CASE("append service: the broker's own messages count in the totals only, and run the hook") {
  Fixture f;
  InnerMessage m;
  m.topic = "%RETRY%g";
  m.queue_id = 0;
  m.body = "copy";
  m.properties = tags_properties("x");
  auto r = f.service.put(m);
  REQUIRE(r.ok());
  CHECK(f.stats.put_messages == 1);
  CHECK(f.stats.put_bytes == r->size);
  CHECK(latency_count(f.stats) == 0);
  CHECK(f.stats_set.topic_put_nums.find("%RETRY%g") == nullptr);
  REQUIRE(f.hooked.size() == 1);
  CHECK(f.hooked[0].topic == "%RETRY%g");
}

TEST_CASE("append service: a SCHEDULE_TOPIC_XXXX record's tag code is the time it is due") {
  Fixture f;
  InnerMessage m;
  m.topic = std::string(remoting::system_topic::kSchedule);
  m.queue_id = 1;  // level 2: 5 s
  m.body = "later";
  m.properties = tags_properties("ignored");
  auto r = f.service.put(m);
  REQUIRE(r.ok());
  REQUIRE(f.hooked.size() == 1);
  CHECK(f.hooked[0].tags_code == r->store_timestamp_ms + 5000);
}

TEST_CASE("append service: a refused append is a producer failure, counts nothing else, runs no hook") {
  Fixture f;
  f.shard.shard->refuse_writes("service not available now, maybe disk full");
  store::MessageInput in = store::testing::message("T", 0, "full");
  auto r = f.service.put(in, AppendSource::producer);
  REQUIRE(!r.ok());
  CHECK(r.error().code == Errc::no_space);
  CHECK(f.stats.put_failures == 1);
  InnerMessage m;
  m.topic = "T";
  CHECK(!f.service.put(m).ok());
  CHECK(f.stats.put_failures == 1);  // the broker's own appends are not putMessageFailedTimes
  std::vector<store::MessageInput> batch(2, store::testing::message("T", 0, "b"));
  std::vector<store::AppendResult> results;
  CHECK(!f.service.put_batch(batch, results).ok());
  CHECK(f.stats.put_failures == 2);
  CHECK(f.stats.put_messages == 0);
  CHECK(latency_count(f.stats) == 0);
  CHECK(f.hooked.empty());
}

TEST_CASE("append service: a batch is consecutive in its queue, counted once, hooked per message") {
  Fixture f;
  const std::string pa = tags_properties("a"), pb = tags_properties("b"), pc = tags_properties("c");
  std::vector<store::MessageInput> batch = {store::testing::message("B", 3, "one", pa),
                                            store::testing::message("B", 3, "two", pb),
                                            store::testing::message("B", 3, "three", pc)};
  std::vector<store::AppendResult> results;
  REQUIRE(f.service.put_batch(batch, results).ok());
  REQUIRE(results.size() == 3);
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    CHECK(results[i].queue_offset.value == static_cast<std::int64_t>(i));
    bytes += results[i].size;
  }
  CHECK(f.stats.put_messages == 3);
  CHECK(f.stats.put_bytes == bytes);
  CHECK(latency_count(f.stats) == 1);  // one store call
  CHECK(f.stats_set.topic_put_nums.find("B")->value() == 3);
  REQUIRE(f.hooked.size() == 3);
  CHECK(f.hooked[1].tags_code == store::tag_hash_of(pb));
}
