// RetentionService on a real shard with a scripted disk measure: refusing and taking writes
// around diskSpaceWarningLevelRatio, and forcible deletion measuring again after each segment.
#include <doctest/doctest.h>

#include <deque>
#include <string>

#include "../store/shard_harness.h"
#include "../store/test_util.h"
#include "broker/retention/disk_policy.h"
#include "broker/retention/retention_service.h"

using namespace ringmq;
using namespace ringmq::broker;
using store::testing::ShardHarness;
using store::testing::TempDir;

namespace {

// Disk measures handed out in order; the last one repeats. An empty script fails to measure.
struct ScriptedDisk {
  std::deque<double> script;
  int calls = 0;
  Result<double> measure() {
    ++calls;
    if (script.empty()) return make_error(Errc::io, "statvfs failed");
    const double v = script.front();
    if (script.size() > 1) script.pop_front();
    return v;
  }
};

struct Fixture {
  TempDir tmp;
  ShardHarness shard{tmp.path(), store::testing::small_store_options()};
  BrokerConfig config;
  ScriptedDisk disk;
  RetentionService service{*shard.shard, 0, config, [this] { return disk.measure(); }};

  Fixture() { config.delete_when = "";  /* never the delete hour: only pressure deletes */ }

  // `n` young messages of 1000 bytes, flushed (an unflushed segment is never deleted).
  void fill(int n) {
    const std::string body(1000, 'x');
    for (int i = 0; i < n; ++i) REQUIRE(shard.shard->put(store::testing::message("T", 0, body), 1000 + i).ok());
    store::testing::flush_log(*shard.shard);
  }
  std::size_t segments() const { return shard.shard->commit_log().segment_count(); }
};

constexpr std::int64_t kYoungNowMs = 2000;  // well inside the 72 h retention of the messages above

}  // namespace

TEST_CASE("retention service: writes are refused from diskSpaceWarningLevelRatio on and taken again below it") {
  Fixture f;
  f.disk.script = {0.95};
  f.service.check(kYoungNowMs);
  CHECK(f.shard.shard->writes_refused());
  auto refused = f.shard.shard->put(store::testing::message("T", 0, "full"), 1000);
  REQUIRE(!refused.ok());
  CHECK(refused.error().code == Errc::no_space);
  CHECK(refused.error().detail == disk_full_remark(0.95));
  // A failed measure changes nothing.
  f.disk.script.clear();
  f.service.check(kYoungNowMs);
  CHECK(f.shard.shard->writes_refused());
  f.disk.script = {0.90};  // exactly the ratio still refuses
  f.service.check(kYoungNowMs);
  CHECK(f.shard.shard->writes_refused());
  f.disk.script = {0.89};
  f.service.check(kYoungNowMs);
  CHECK(!f.shard.shard->writes_refused());
  CHECK(f.shard.shard->put(store::testing::message("T", 0, "room again"), 1001).ok());
}

TEST_CASE("retention service: forcible deletion goes one segment at a time while the disk stays above the ratio") {
  Fixture f;
  f.fill(60);
  const std::size_t before = f.segments();
  REQUIRE(before >= 5);
  // Below diskSpaceCleanForciblyRatio and above diskMaxUsedSpaceRatio: young segments stay.
  f.disk.script = {0.80};
  f.service.check(kYoungNowMs);
  CHECK(f.segments() == before);
  CHECK(f.disk.calls == 1);
  // Above it for the first measure and two re-measures, then space is back: three segments go.
  f.disk = ScriptedDisk{{0.88, 0.88, 0.88, 0.50}, 0};
  f.service.check(kYoungNowMs);
  CHECK(f.segments() == before - 3);
  CHECK(f.disk.calls == 4);
}

TEST_CASE("retention service: one check makes at most kForcedDeletionsPerCheckMax forcible deletions") {
  Fixture f;
  f.fill(140);
  const std::size_t before = f.segments();
  REQUIRE(before > static_cast<std::size_t>(kForcedDeletionsPerCheckMax) + 2);
  f.disk.script = {0.86};  // never relieved (below the warning ratio: sends go on)
  f.service.check(kYoungNowMs);
  CHECK(f.segments() == before - kForcedDeletionsPerCheckMax);
  CHECK(f.disk.calls == 1 + kForcedDeletionsPerCheckMax);
  CHECK(!f.shard.shard->writes_refused());
}
