// Sparse files with blocks reserved ahead of the writer, disk-full refusal, retention rules, and
// the store's behaviour under injected file-system faults (file_ops.h): ENOSPC, EIO, short writes
// and a failing fsync.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include "store/commit_log.h"
#include "store/file_ops.h"
#include "store/config_file.h"
#include "store/shard_store.h"
#include "shard_harness.h"
#include "test_util.h"

using namespace ringmq;
using namespace ringmq::store;
using namespace ringmq::store::testing;

namespace {

StoreOptions options_with(std::size_t segment_bytes) {
  StoreOptions o;
  o.commit_log.segment_bytes = segment_bytes;
  o.commit_log.preallocate_in_background = false;
  o.cq_entries_per_file = 1024;
  o.index.slots = 64;
  o.index.items = 4096;
  return o;
}

using Shard = ShardHarness;

// Disk bytes a file really holds (blocks), and its apparent size.
std::int64_t disk_bytes(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<std::int64_t>(st.st_blocks) * 512;
}

std::string body_of(const GetResult& g, std::size_t i) {
  const ParseResult p = parse_record(g.bytes(g.messages[i]), true);
  REQUIRE(p.status == ParseStatus::record);
  return std::string(as_string_view(p.record.body));
}

GetResult get_all(const ShardStore& s, std::string_view topic, std::int64_t from = 0) {
  return s.get_messages(topic, QueueId{0}, QueueOffset{from}, 10000, 1 << 30, {});
}

}  // namespace

TEST_CASE("space: a fresh 64 MiB segment holds only the blocks reserved ahead of the writer") {
  TempDir tmp;
  StoreOptions o = options_with(64u << 20);
  o.commit_log.preallocate_in_background = true;  // the broker's setting: a helper reserves ahead
  Shard s(tmp.path(), o);
  const std::string body(1000, 'b');
  for (int i = 0; i < 100; ++i) REQUIRE(s.shard->put(message("T", 0, body), 1000).ok());
  const MappedFilePtr& seg = s.shard->commit_log().segment_at(0);
  struct stat st {};
  REQUIRE(::stat(seg->path().c_str(), &st) == 0);
  CHECK(st.st_size == 64 << 20);
  // Written: ~100 KB; reserved: a few chunks ahead, never the whole segment.
  CHECK(disk_bytes(seg->path()) <= static_cast<std::int64_t>(kSegmentAllocateAheadBytes + 2 * kSegmentAllocateChunkBytes));
  CHECK(seg->allocated() >= static_cast<std::size_t>(s.shard->commit_log().write_offset().value) + kBlankMarkerBytes);
}

TEST_CASE("space: every append lands on reserved blocks, across segment rolls") {
  TempDir tmp;
  Shard s(tmp.path(), options_with(256 * 1024));
  const std::string body(3000, 'x');
  for (int i = 0; i < 300; ++i) {
    REQUIRE(s.shard->put(message("T", 0, body), 1000 + i).ok());
    const CommitLog& log = s.shard->commit_log();
    const MappedFilePtr& seg = log.segment_at(log.segment_count() - 1);
    CHECK(seg->allocated() >= static_cast<std::size_t>(log.write_offset().value - seg->start()) + kBlankMarkerBytes);
  }
  CHECK(s.shard->commit_log().segment_count() > 2);
}

TEST_CASE("faults: ENOSPC from fallocate fails the append with no_space, changes nothing, and reads go on") {
  TempDir tmp;
  Shard s(tmp.path(), options_with(64 * 1024));
  const std::string body(2000, 'e');
  REQUIRE(s.shard->put(message("T", 0, body), 1000).ok());
  const PhysicalOffset end = s.shard->commit_log().write_offset();
  {
    ScopedFault enospc(FileOp::fallocate, FaultSpec{FaultKind::fail, ENOSPC});
    // Fill until the reserved chunk (capped by the 64 KiB segment) runs out and a roll needs a
    // new segment, whose blocks cannot be reserved.
    std::optional<Error> failed;
    int accepted = 0;
    for (int i = 0; i < 100 && !failed; ++i) {
      auto r = s.shard->put(message("T", 0, body), 1001);
      if (r.ok()) ++accepted;
      else failed = r.error();
    }
    REQUIRE(failed.has_value());
    CHECK(failed->code == Errc::no_space);
    CHECK(faults_hit(FileOp::fallocate) >= 1);
    CHECK(get_all(*s.shard, "T").messages.size() == static_cast<std::size_t>(accepted + 1));
  }
  CHECK(s.shard->commit_log().write_offset() > end);
  REQUIRE(s.shard->put(message("T", 0, "after the disk has room again"), 1002).ok());
  flush_log(*s.shard);
  const std::size_t count = get_all(*s.shard, "T").messages.size();
  s.crash();
  s.open();
  const GetResult g = get_all(*s.shard, "T");
  REQUIRE(g.messages.size() == count);
  CHECK(body_of(g, count - 1) == "after the disk has room again");
}

TEST_CASE("faults: ENOSPC while a ConsumeQueue reserves its blocks fails the put before the log is written") {
  TempDir tmp;
  StoreOptions o = options_with(1 << 20);
  Shard s(tmp.path(), o);
  REQUIRE(s.shard->put(message("T", 0, "first"), 1000).ok());
  const PhysicalOffset end = s.shard->commit_log().write_offset();
  {
    ScopedFault enospc(FileOp::fallocate, FaultSpec{FaultKind::fail, ENOSPC});
    auto r = s.shard->put(message("Other", 0, "new queue, new file"), 1001);
    REQUIRE(!r.ok());
    CHECK(r.error().code == Errc::no_space);
  }
  CHECK(s.shard->commit_log().write_offset() == end);
  CHECK(s.shard->max_offset("Other", QueueId{0}).value == 0);
  REQUIRE(s.shard->put(message("Other", 0, "now"), 1002).ok());
  CHECK(s.shard->max_offset("Other", QueueId{0}).value == 1);
}

TEST_CASE("faults: EIO from write fails a metadata save and leaves the previous file whole") {
  TempDir tmp;
  const std::string path = tmp.sub("topics.json");
  REQUIRE(save_config_file(path, R"({"v":1})").ok());
  {
    ScopedFault eio(FileOp::write, FaultSpec{FaultKind::fail, EIO, 1});  // the .bak copy passes, the new file fails
    const Status st = save_config_file(path, R"({"v":2})");
    REQUIRE(!st.ok());
    CHECK(st.error().code == Errc::io);
    CHECK(st.error().sys_errno == EIO);
  }
  auto text = load_config_file(path);
  REQUIRE(text.ok());
  CHECK(*text == R"({"v":1})");
}

TEST_CASE("faults: short writes still write whole files and whole zero-filled chunks") {
  TempDir tmp;
  const std::string path = tmp.sub("groups.json");
  const std::string json = fmt::format(R"({{"pad":"{}"}})", std::string(100000, 'p'));
  {
    ScopedFault short_write(FileOp::write, FaultSpec{FaultKind::short_write});
    REQUIRE(save_config_file(path, json).ok());
    CHECK(faults_hit(FileOp::write) > 1);
  }
  auto text = load_config_file(path);
  REQUIRE(text.ok());
  CHECK(*text == json);

  // --flush sync reserves segment chunks by writing zeros (pwrite): short pwrites must not leave
  // holes or a short reservation.
  StoreOptions o = options_with(1 << 20);
  o.commit_log.segment_prewrite = SegmentPrewrite::zero_fill;
  ScopedFault short_pwrite(FileOp::pwrite, FaultSpec{FaultKind::short_write});
  Shard s(tmp.sub("store"), o);
  REQUIRE(s.shard->put(message("T", 0, "on zeroed blocks"), 1000).ok());
  const MappedFilePtr& seg = s.shard->commit_log().segment_at(0);
  CHECK(faults_hit(FileOp::pwrite) > 1);
  CHECK(seg->allocated() == seg->size());  // the first reservation covers this 1 MiB segment
  CHECK(disk_bytes(seg->path()) >= static_cast<std::int64_t>(seg->size()));
}

TEST_CASE("faults: a failing fsync acknowledges none of the sends it covered; the log refuses writes, serves reads") {
  TempDir tmp;
  Shard s(tmp.path(), options_with(1 << 20));
  CommitLog& log = s.shard->commit_log();
  auto durable = s.shard->put(message("T", 0, "durable"), 1000);
  REQUIRE(durable.ok());
  flush_log(*s.shard);
  auto lost = s.shard->put(message("T", 0, "not durable"), 1001);
  REQUIRE(lost.ok());
  FlushPlan plan;
  log.begin_flush(plan);
  REQUIRE(!plan.empty());
  int result = 0;
  {
    ScopedFault eio(FileOp::fdatasync, FaultSpec{FaultKind::fail, EIO});
    result = execute_flush_plan(plan);
  }
  CHECK(result == -EIO);
  const Status st = log.complete_flush(plan, result);
  REQUIRE(!st.ok());
  // The durable offset stays before the lost send (the broker answers its waiter
  // FLUSH_DISK_TIMEOUT, never SUCCESS).
  CHECK(log.durable_offset() == durable->end());
  CHECK(!s.shard->put(message("T", 0, "refused"), 1002).ok());
  const GetResult g = get_all(*s.shard, "T");
  REQUIRE(g.messages.size() == 2);
  CHECK(body_of(g, 0) == "durable");
  s.crash();
  s.open();
  CHECK(body_of(get_all(*s.shard, "T"), 0) == "durable");
}

TEST_CASE("space: refused writes fail with the reason while reads go on, and resume when accepted") {
  TempDir tmp;
  Shard s(tmp.path(), options_with(1 << 20));
  REQUIRE(s.shard->put(message("T", 0, "before"), 1000).ok());
  s.shard->refuse_writes("service not available now, maybe disk full");
  auto r = s.shard->put(message("T", 0, "while full"), 1001);
  REQUIRE(!r.ok());
  CHECK(r.error().code == Errc::no_space);
  CHECK(r.error().detail == "service not available now, maybe disk full");
  CHECK(get_all(*s.shard, "T").messages.size() == 1);
  s.shard->accept_writes();
  REQUIRE(s.shard->put(message("T", 0, "after"), 1002).ok());
  CHECK(get_all(*s.shard, "T").messages.size() == 2);
}

TEST_CASE("retention: expiry waits for the delete hour or disk pressure; forcible pressure takes young segments") {
  TempDir tmp;
  StoreOptions o = options_with(64 * 1024);
  o.retention_hours = 1;
  Shard s(tmp.path(), o);
  const std::string body(4000, 'r');
  for (int i = 0; i < 60; ++i) REQUIRE(s.shard->put(message("T", 0, body), 1000 + i).ok());
  const std::size_t segments = s.shard->commit_log().segment_count();
  REQUIRE(segments >= 4);
  const std::int64_t expired_at = 1000 + 3600 * 1000 + 100;

  // Nothing is flushed yet: no segment may go, whatever the pressure.
  CHECK(s.shard->run_retention(RetentionInputs{expired_at, true, 0.99})->segments_deleted == 0);
  flush_log(*s.shard);
  // Expired, but not the delete hour and the disk below diskMaxUsedSpaceRatio: kept.
  CHECK(s.shard->run_retention(RetentionInputs{expired_at, false, 0.5})->segments_deleted == 0);
  // Young, disk above diskMaxUsedSpaceRatio but below the forcible ratio: kept.
  CHECK(s.shard->run_retention(RetentionInputs{1000, false, 0.80})->segments_deleted == 0);
  // Young, disk above diskSpaceCleanForciblyRatio: the oldest goes, one per call.
  CHECK(s.shard->run_retention(RetentionInputs{1000, false, 0.86})->segments_deleted == 1);
  CHECK(s.shard->min_offset("T", QueueId{0}).value > 0);
  // A reader pins the oldest: it survives even forcible pressure.
  {
    const GetResult held = get_all(*s.shard, "T", s.shard->min_offset("T", QueueId{0}).value);
    REQUIRE(!held.messages.empty());
    auto r = s.shard->run_retention(RetentionInputs{expired_at, true, 0.99});
    CHECK(r->segments_deleted == 0);
    CHECK(r->waiting_for_reader);
  }
  // Expired and the disk above diskMaxUsedSpaceRatio: every expired segment but the write segment.
  CHECK(s.shard->run_retention(RetentionInputs{expired_at, false, 0.80})->segments_deleted == segments - 2);
  CHECK(s.shard->commit_log().segment_count() == 1);
  const QueueOffset min = s.shard->min_offset("T", QueueId{0});
  CHECK(get_all(*s.shard, "T").status == GetStatus::offset_too_small);
  CHECK(get_all(*s.shard, "T").next_begin_offset == min);
  CHECK(get_all(*s.shard, "T", min.value).messages.size() == static_cast<std::size_t>(60 - min.value));
}

TEST_CASE("space: no segment is created while the disk is at or above the refusal ratio") {
  TempDir tmp;
  StoreOptions o = options_with(64 * 1024);
  o.commit_log.segment_refuse_at_usage = 0.0;  // any disk is "full"
  Shard s(tmp.path(), o);
  auto r = s.shard->put(message("T", 0, "no room"), 1000);
  REQUIRE(!r.ok());
  CHECK(r.error().code == Errc::no_space);
  CHECK(r.error().detail.find("not created") != std::string::npos);
  CHECK(s.shard->commit_log().segment_count() == 0);
}
