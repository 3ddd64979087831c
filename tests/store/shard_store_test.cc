#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "store/shard_store.h"
#include "shard_harness.h"
#include "test_util.h"

using namespace ringmq;
using namespace ringmq::store;
using namespace ringmq::store::testing;

namespace {

// ShardHarness with this file's small store by default.
struct Harness : ShardHarness {
  explicit Harness(const std::string& dir, StoreOptions o = small_store_options()) : ShardHarness(dir, o) {}
};

AppendResult put(ShardStore& s, std::string_view topic, int qid, std::string_view body, std::string_view props = {},
                 std::int64_t ts = 1000) {
  auto r = s.put(message(topic, qid, body, props), ts);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().to_string()));
  return *r;
}

std::vector<std::string> bodies(const GetResult& g) {
  std::vector<std::string> out;
  for (const MessageRange& m : g.messages) {
    const ParseResult p = parse_record(g.bytes(m), true);
    REQUIRE(p.status == ParseStatus::record);
    out.emplace_back(as_string_view(p.record.body));
  }
  return out;
}

GetResult get_all(const ShardStore& s, std::string_view topic, int qid, std::int64_t from = 0) {
  return s.get_messages(topic, QueueId{qid}, QueueOffset{from}, 1000, 1 << 30, {});
}

// "x7" without string operator+, which trips a g++ 12 -Wrestrict false positive.
std::string numbered(std::string_view prefix, int i) { return fmt::format("{}{}", prefix, i); }

}  // namespace

TEST_CASE("shard_store: put assigns queue offsets per queue and writes the ConsumeQueue entry in the same step") {
  TempDir tmp;
  Harness h(tmp.path());
  const AppendResult a = put(*h.shard, "TopicA", 0, "a0", "TAGS\x01TagA\x02");
  const AppendResult b = put(*h.shard, "TopicA", 1, "b0");
  const AppendResult c = put(*h.shard, "TopicA", 0, "a1");
  CHECK(a.queue_offset.value == 0);
  CHECK(b.queue_offset.value == 0);
  CHECK(c.queue_offset.value == 1);
  CHECK(h.shard->max_offset("TopicA", QueueId{0}).value == 2);
  const GetResult g = get_all(*h.shard, "TopicA", 0);
  CHECK(g.status == GetStatus::found);
  CHECK(bodies(g) == std::vector<std::string>{"a0", "a1"});
  CHECK(g.next_begin_offset.value == 2);
  CHECK(g.messages[0].offset == a.offset);
  CHECK(h.shard->get_messages("TopicA", QueueId{0}, QueueOffset{2}, 10, 1 << 20, {}).status == GetStatus::offset_overflow_one);
  CHECK(h.shard->get_messages("TopicA", QueueId{0}, QueueOffset{7}, 10, 1 << 20, {}).status == GetStatus::offset_overflow_badly);
  CHECK(h.shard->get_messages("Nope", QueueId{0}, QueueOffset{0}, 10, 1 << 20, {}).status == GetStatus::no_message_in_queue);
}

TEST_CASE("shard_store: reads return pinned ranges, filtered by tag hash, bounded by count and bytes") {
  TempDir tmp;
  Harness h(tmp.path());
  for (int i = 0; i < 10; ++i) put(*h.shard, "T", 0, numbered("m", i), i % 2 ? "TAGS\x01odd\x02" : "TAGS\x01even\x02");
  const std::int64_t odd = tag_hash_of("TAGS\x01odd\x02");
  GetResult g = h.shard->get_messages("T", QueueId{0}, QueueOffset{0}, 3, 1 << 20, std::span(&odd, 1));
  CHECK(bodies(g) == std::vector<std::string>{"m1", "m3", "m5"});
  CHECK(g.next_begin_offset.value == 6);
  g = h.shard->get_messages("T", QueueId{0}, QueueOffset{0}, 100, g.messages[0].size * 2 + 1, {});
  CHECK(g.messages.size() == 2);
  // Nothing matching in the scanned range still advances the offset.
  const std::int64_t none = 12345;
  g = h.shard->get_messages("T", QueueId{0}, QueueOffset{0}, 100, 1 << 20, std::span(&none, 1));
  CHECK(g.status == GetStatus::no_matched_message);
  CHECK(g.next_begin_offset.value == 10);
}

TEST_CASE("shard_store: a clean close and reopen keeps appending without a rescan") {
  TempDir tmp;
  Harness h(tmp.path());
  for (int i = 0; i < 50; ++i) put(*h.shard, "T", i % 3, numbered("before-", i));
  const PhysicalOffset end = h.shard->commit_log().write_offset();
  h.close_clean();
  h.open();
  CHECK(!h.shard->recovery().crashed);
  CHECK(h.shard->commit_log().write_offset() == end);
  CHECK(h.shard->max_offset("T", QueueId{0}).value == 17);
  const AppendResult r = put(*h.shard, "T", 0, "after");
  CHECK(r.offset == end);
  CHECK(r.queue_offset.value == 17);
  const GetResult g = get_all(*h.shard, "T", 0, 16);
  CHECK(bodies(g) == std::vector<std::string>{"before-48", "after"});
}

TEST_CASE("shard_store: after a crash, records past the checkpoint are checked and their entries rebuilt") {
  TempDir tmp;
  Harness h(tmp.path());
  for (int i = 0; i < 20; ++i) put(*h.shard, "T", 0, numbered("x", i));
  FlushPlan plan;
  h.shard->commit_log().begin_flush(plan);
  REQUIRE(h.shard->commit_log().complete_flush(plan, execute_flush_plan(plan)).ok());
  h.shard->begin_checkpoint(plan);
  REQUIRE(h.shard->complete_checkpoint(plan, execute_flush_plan(plan)).ok());
  h.shard->begin_checkpoint(plan);  // syncs the slot the last round wrote
  REQUIRE(h.shard->complete_checkpoint(plan, execute_flush_plan(plan)).ok());
  const PhysicalOffset checkpointed = h.shard->commit_log().write_offset();
  for (int i = 20; i < 30; ++i) put(*h.shard, "T", 0, numbered("x", i));
  h.crash();
  h.open();
  CHECK(h.shard->recovery().crashed);
  CHECK(h.shard->recovery().scanned_from == checkpointed);
  CHECK(h.shard->recovery().records_scanned == 10);
  CHECK(h.shard->max_offset("T", QueueId{0}).value == 30);
  CHECK(bodies(get_all(*h.shard, "T", 0, 28)) == std::vector<std::string>{"x28", "x29"});
  CHECK(put(*h.shard, "T", 0, "x30").queue_offset.value == 30);
}

TEST_CASE("shard_store: ConsumeQueues are rebuilt from the CommitLog after their files are deleted") {
  TempDir tmp;
  Harness h(tmp.path());
  for (int i = 0; i < 40; ++i) put(*h.shard, i % 2 ? "Odd" : "Even", i % 4 / 2, numbered("m", i));
  h.close_clean();
  REQUIRE(remove_tree(tmp.sub("consumequeue")).ok());
  h.open();
  CHECK(h.shard->recovery().crashed);
  CHECK(h.shard->recovery().records_scanned == 40);
  CHECK(h.shard->max_offset("Even", QueueId{0}).value == 10);
  CHECK(h.shard->max_offset("Odd", QueueId{1}).value == 10);
  const GetResult g = get_all(*h.shard, "Even", 1);
  REQUIRE(g.messages.size() == 10);
  CHECK(bodies(g)[0] == "m2");
  CHECK(bodies(g)[9] == "m38");
}

TEST_CASE("shard_store: messages are found by key within a time range and by unique key") {
  TempDir tmp;
  Harness h(tmp.path());
  const AppendResult a = put(*h.shard, "T", 0, "a", "KEYS\x01order-1 order-2\x02UNIQ_KEY\x01" "AABB\x02", 1'000'000);
  put(*h.shard, "T", 0, "b", "KEYS\x01order-2\x02", 2'000'000);
  put(*h.shard, "U", 0, "c", "KEYS\x01order-1\x02", 2'000'000);
  auto hits = h.shard->query_by_key("T", "order-1", 0, 3'000'000, 10);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].segment->start() + hits[0].position == a.offset.value);
  CHECK(h.shard->query_by_key("T", "order-2", 0, 3'000'000, 10).size() == 2);
  CHECK(h.shard->query_by_key("T", "order-2", 1'500'000, 3'000'000, 10).size() == 1);
  CHECK(h.shard->query_by_unique_key("T", "AABB", 0, INT64_MAX, 10).size() == 1);
  CHECK(h.shard->query_by_unique_key("T", "CCDD", 0, INT64_MAX, 10).empty());
  CHECK(h.shard->query_by_unique_key("T", "AABB", 1'500'000, INT64_MAX, 10).empty());
  CHECK(h.shard->query_by_key("T", "order-1", 0, 999'000, 10).empty());
  CHECK(h.shard->index_last_update_timestamp_ms() == 2'000'000);
  CHECK(h.shard->index_last_update_physical_offset().value > a.offset.value);
  auto by_id = h.shard->message_at(a.offset);
  REQUIRE(by_id.ok());
  CHECK(by_id->size == a.size);
}

TEST_CASE("shard_store: the index answers queries after a clean restart and after a crash") {
  TempDir tmp;
  Harness h(tmp.path());
  put(*h.shard, "T", 0, "a", "KEYS\x01k1\x02UNIQ_KEY\x01" "AABB\x02", 1'000'000);
  put(*h.shard, "T", 1, "b", "KEYS\x01k1 k2\x02", 2'000'000);
  h.close_clean();
  h.open();
  CHECK(h.shard->query_by_key("T", "k1", 0, INT64_MAX, 10).size() == 2);
  CHECK(h.shard->query_by_unique_key("T", "AABB", 0, INT64_MAX, 10).size() == 1);
  put(*h.shard, "T", 0, "c", "KEYS\x01k2\x02", 3'000'000);
  flush_log(*h.shard);
  h.crash();
  h.open();
  CHECK(h.shard->query_by_key("T", "k2", 0, INT64_MAX, 10).size() == 2);
  CHECK(h.shard->query_by_key("T", "k1", 0, INT64_MAX, 10).size() == 2);
  CHECK(h.shard->index_last_update_timestamp_ms() == 3'000'000);
}

TEST_CASE("shard_store: offsets are found by store timestamp") {
  TempDir tmp;
  Harness h(tmp.path());
  for (int i = 0; i < 20; ++i) put(*h.shard, "T", 0, "m", {}, 1000 + i * 10);
  CHECK(h.shard->offset_for_timestamp("T", QueueId{0}, 0).value == 0);
  CHECK(h.shard->offset_for_timestamp("T", QueueId{0}, 1055).value == 6);
  CHECK(h.shard->offset_for_timestamp("T", QueueId{0}, 1060).value == 6);
  CHECK(h.shard->offset_for_timestamp("T", QueueId{0}, 9999).value == 20);
}

TEST_CASE("shard_store: a batch lands contiguously with consecutive queue offsets") {
  TempDir tmp;
  Harness h(tmp.path());
  put(*h.shard, "T", 0, "first");
  std::vector<std::string> bs = {"b0", "b1", "b2"};
  std::vector<MessageInput> ms;
  for (const auto& b : bs) ms.push_back(message("T", 0, b));
  std::vector<AppendResult> out(ms.size());
  REQUIRE(h.shard->put_batch(ms, 5, out).ok());
  CHECK(out[0].queue_offset.value == 1);
  CHECK(out[2].queue_offset.value == 3);
  CHECK(out[1].offset == out[0].end());
  ms[1].queue_id = QueueId{1};
  CHECK(!h.shard->put_batch(ms, 5, out).ok());
}

TEST_CASE("shard_store: retention deletes expired segments, waits for a held one, and moves queue minimums") {
  TempDir tmp;
  StoreOptions o = small_store_options();
  o.retention_hours = 1;
  Harness h(tmp.path(), o);
  const std::string body(1000, 'r');
  for (int i = 0; i < 40; ++i) put(*h.shard, "T", 0, body, {}, 1000 + i);
  FlushPlan plan;
  h.shard->commit_log().begin_flush(plan);
  REQUIRE(h.shard->commit_log().complete_flush(plan, 0).ok());
  const std::size_t segments = h.shard->commit_log().segment_count();
  REQUIRE(segments >= 5);

  GetResult held = get_all(*h.shard, "T", 0);  // a reader pins the oldest segment
  const std::int64_t later = 1000 + 3600 * 1000 + 100;
  auto r = h.shard->run_retention(later, 0.1);
  REQUIRE(r.ok());
  CHECK(r->segments_deleted == 0);
  CHECK(r->waiting_for_reader);
  CHECK(h.shard->min_offset("T", QueueId{0}).value == 0);

  held = GetResult{};  // the reader is done
  r = h.shard->run_retention(later, 0.1);
  REQUIRE(r.ok());
  CHECK(r->segments_deleted == segments - 1);
  CHECK(h.shard->commit_log().segment_count() == 1);
  const QueueOffset min = h.shard->min_offset("T", QueueId{0});
  CHECK(min.value > 0);
  const GetResult g = get_all(*h.shard, "T", 0);
  CHECK(g.status == GetStatus::offset_too_small);
  CHECK(get_all(*h.shard, "T", 0, min.value).messages.size() == static_cast<std::size_t>(40 - min.value));

  // Not yet expired, no disk pressure: nothing to do; disk pressure deletes one per call.
  for (int i = 0; i < 20; ++i) put(*h.shard, "T", 0, body, {}, later);
  h.shard->commit_log().begin_flush(plan);
  REQUIRE(h.shard->commit_log().complete_flush(plan, 0).ok());
  CHECK(h.shard->run_retention(later, 0.1)->segments_deleted == 0);
  CHECK(h.shard->run_retention(later, 0.9)->segments_deleted == 1);
}

TEST_CASE("shard_store: random batches appended, reopened (cleanly and after a crash) and read back equal") {
  for (const SegmentPrewrite prewrite : {SegmentPrewrite::zero_fill, SegmentPrewrite::allocate_only}) {
    CAPTURE(prewrite == SegmentPrewrite::zero_fill ? "zero_fill" : "allocate_only");
    StoreOptions options = small_store_options();
    options.commit_log.segment_prewrite = prewrite;
    TempDir tmp;
    Harness h(tmp.path(), options);
    std::mt19937 rng(42);
    std::vector<std::vector<std::string>> expect(4);
    auto append_some = [&](int rounds) {
      for (int round = 0; round < rounds; ++round) {
        const int qid = static_cast<int>(rng() % 4);
        const std::size_t n = 1 + rng() % 5;
        std::vector<std::string> bs;
        for (std::size_t i = 0; i < n; ++i) bs.push_back(std::string(1 + rng() % 700, static_cast<char>('a' + rng() % 26)));
        std::vector<MessageInput> ms;
        for (const auto& b : bs) ms.push_back(message("Rand", qid, b, "TAGS\x01t\x02"));
        std::vector<AppendResult> out(n);
        REQUIRE(h.shard->put_batch(ms, 1000 + round, out).ok());
        for (auto& b : bs) expect[static_cast<std::size_t>(qid)].push_back(b);
      }
    };
    auto check_all = [&] {
      for (int q = 0; q < 4; ++q) {
        std::vector<std::string> got;
        QueueOffset at{0};
        for (;;) {
          const GetResult g = h.shard->get_messages("Rand", QueueId{q}, at, 7, 4096, {});
          if (g.status != GetStatus::found) break;
          for (auto& b : bodies(g)) got.push_back(b);
          at = g.next_begin_offset;
        }
        CHECK(got == expect[static_cast<std::size_t>(q)]);
      }
    };
    append_some(60);
    check_all();
    h.close_clean();
    h.open();
    check_all();
    append_some(60);
    h.crash();
    h.open();
    CHECK(h.shard->recovery().crashed);
    check_all();
  }
}

// A crash while the last record was half written: its later bytes never reached the disk and
// read as the zeros the segment was prepared with.
TEST_CASE("shard_store: an allocate_only store with the helper thread, crashed mid-append across segments, recovers") {
  TempDir tmp;
  StoreOptions options = small_store_options();
  options.commit_log.preallocate_in_background = true;
  options.commit_log.segment_prewrite = SegmentPrewrite::allocate_only;
  const std::string body(700, 'a');
  AppendResult last;
  {
    Harness h(tmp.path(), options);
    for (int i = 0; i < 40; ++i) last = put(*h.shard, "T", 0, body);
    REQUIRE(h.shard->commit_log().segment_count() >= 3);
    // Tear the last record inside the mapping: the bytes after its first half never got there.
    CommitLog& log = h.shard->commit_log();
    log.commit_staged();
    const MappedFilePtr& seg = log.segment_at(log.segment_count() - 1);
    const auto pos = static_cast<std::size_t>(last.offset.value - seg->start());
    std::memset(seg->data() + pos + last.size / 2, 0, last.size - last.size / 2);
    h.crash();
  }
  Harness h(tmp.path(), options);
  CHECK(h.shard->recovery().crashed);
  CHECK(h.shard->recovery().end == last.offset);
  CHECK(h.shard->max_offset("T", QueueId{0}).value == 39);
  const GetResult g = get_all(*h.shard, "T", 0, 38);
  REQUIRE(g.messages.size() == 1);
  CHECK(put(*h.shard, "T", 0, "after").offset == last.offset);
  CHECK(bodies(get_all(*h.shard, "T", 0, 39)) == std::vector<std::string>{"after"});
}

TEST_CASE("shard_store: a second process cannot open a store in use, and the shard count is fixed") {
  TempDir tmp;
  auto a = StoreRoot::open(tmp.path(), 2);
  REQUIRE(a.ok());
  auto b = StoreRoot::open(tmp.path(), 2);
  CHECK(!b.ok());
  a.value().reset();
  auto c = StoreRoot::open(tmp.path(), 3);
  REQUIRE(!c.ok());
  CHECK(c.error().code == Errc::invalid_argument);
  auto d = StoreRoot::open(tmp.path(), 0);
  REQUIRE(d.ok());
  CHECK(d.value()->shard_count() == 2);
  CHECK(d.value()->crashed());  // `a` never closed cleanly
}

TEST_CASE("shard_store: a batch that crosses ConsumeQueue files has its files made before the append") {
  TempDir tmp;
  Harness h(tmp.path());
  std::vector<std::string> bs(40, "b");
  std::vector<MessageInput> ms;
  for (const auto& b : bs) ms.push_back(message("T", 0, b));
  std::vector<AppendResult> out(ms.size());
  REQUIRE(h.shard->put_batch(ms, 5, out).ok());  // 16 entries per file: 3 files
  CHECK(h.shard->max_offset("T", QueueId{0}).value == 40);
  CHECK(path_exists(tmp.sub("consumequeue/T/0/00000000000000000640")));
  CHECK(get_all(*h.shard, "T", 0).messages.size() == 40);
}

TEST_CASE("shard_store: shards share a root; each reclaims only its own queues and offsets stay unique") {
  TempDir tmp;
  const StoreOptions o = small_store_options();
  PhysicalOffset a_off, b_off;
  {
    auto root = StoreRoot::open(tmp.path(), 2);
    REQUIRE(root.ok());
    auto s0 = ShardStore::open(*root.value(), ShardId{0}, o);
    auto s1 = ShardStore::open(*root.value(), ShardId{1}, o);
    REQUIRE((s0.ok() && s1.ok()));
    a_off = put(*s0.value(), "A", 0, "on shard 0").offset;
    b_off = put(*s1.value(), "B", 0, "on shard 1").offset;
    REQUIRE(s0.value()->close().ok());
    REQUIRE(s1.value()->close().ok());
    REQUIRE(root.value()->close_clean().ok());
  }
  CHECK(shard_of(a_off).value == 0);
  CHECK(shard_of(b_off).value == 1);
  auto root = StoreRoot::open(tmp.path(), 0);
  REQUIRE(root.ok());
  auto s1 = ShardStore::open(*root.value(), ShardId{1}, o);
  REQUIRE(s1.ok());
  CHECK(s1.value()->queue_count() == 1);
  CHECK(s1.value()->max_offset("B", QueueId{0}).value == 1);
  CHECK(s1.value()->max_offset("A", QueueId{0}).value == 0);
  CHECK(!s1.value()->message_at(a_off).ok());
  CHECK(s1.value()->message_at(b_off).ok());
}

namespace {

// Two rounds: the second syncs the slot the first wrote.
void checkpoint_twice(ShardStore& s) {
  FlushPlan plan;
  for (int i = 0; i < 2; ++i) {
    s.begin_checkpoint(plan);
    REQUIRE(s.complete_checkpoint(plan, execute_flush_plan(plan)).ok());
  }
}

}  // namespace

TEST_CASE("shard_store: after retention deleted segments past the checkpoint's durable offset, crash recovery flushes again") {
  TempDir tmp;
  Harness h(tmp.path());
  const std::string body(1000, 'r');
  put(*h.shard, "T", 0, body);
  flush_log(*h.shard);
  checkpoint_twice(*h.shard);  // the slot on disk: durable ~1 KB into segment 0
  for (int i = 0; i < 20; ++i) put(*h.shard, "T", 0, body);
  flush_log(*h.shard);
  auto r = h.shard->run_retention(1000, 0.99);  // disk pressure: segment 0 goes before any checkpoint
  REQUIRE(r.ok());
  REQUIRE(r->segments_deleted == 1);
  h.crash();
  h.open();
  CHECK(h.shard->recovery().crashed);
  CHECK(h.shard->commit_log().durable_offset() >= h.shard->commit_log().min_offset());
  put(*h.shard, "T", 0, "after");
  flush_log(*h.shard);  // asserted (no segment for the durable offset) before the fix
  CHECK(h.shard->commit_log().durable_offset() == h.shard->commit_log().write_offset());
}

TEST_CASE("shard_store: a batch refused after its ConsumeQueue files were made leaves the queue end where it was on reopen") {
  TempDir tmp;
  Harness h(tmp.path());  // 16 ConsumeQueue entries per file, 8 KiB segments
  for (int i = 0; i < 8; ++i) put(*h.shard, "T", 0, numbered("m", i));
  const std::string too_big(9000, 'x');  // under the body limit, over the segment: refused in the append
  std::vector<MessageInput> ms;
  for (int i = 0; i < 9; ++i) ms.push_back(message("T", 0, "b"));
  ms.push_back(message("T", 0, too_big));
  std::vector<AppendResult> out(ms.size());
  REQUIRE(!h.shard->put_batch(ms, 5, out).ok());
  REQUIRE(path_exists(tmp.sub("consumequeue/T/0/00000000000000000320")));  // made by reserve()
  CHECK(h.shard->max_offset("T", QueueId{0}).value == 8);

  SUBCASE("clean reopen") { h.close_clean(); }
  SUBCASE("crash") {
    flush_log(*h.shard);
    h.crash();
  }
  h.open();
  CHECK(h.shard->max_offset("T", QueueId{0}).value == 8);  // was 16: the empty file's start
  CHECK(put(*h.shard, "T", 0, "m8").queue_offset.value == 8);
  CHECK(bodies(get_all(*h.shard, "T", 0)).size() == 9);
}

TEST_CASE("shard_store: after a failed flush, close fails and the store stays marked crashed so nothing is zeroed") {
  TempDir tmp;
  Harness h(tmp.path());
  for (int i = 0; i < 5; ++i) put(*h.shard, "T", 0, numbered("m", i));
  FlushPlan plan;
  h.shard->commit_log().begin_flush(plan);
  REQUIRE(!h.shard->commit_log().complete_flush(plan, -EIO).ok());
  CHECK(!h.shard->close().ok());
  h.shard.reset();
  CHECK(!h.root->close_clean().ok());  // the abort marker stays
  h.root.reset();
  h.open();
  CHECK(h.shard->recovery().crashed);
  CHECK(h.shard->max_offset("T", QueueId{0}).value == 5);
}

TEST_CASE("shard_store: a close refused for a flush in flight keeps the abort marker, so acknowledged records survive") {
  TempDir tmp;
  Harness h(tmp.path());
  put(*h.shard, "T", 0, "m0");
  flush_log(*h.shard);
  checkpoint_twice(*h.shard);  // slot: one record durable
  for (int i = 1; i < 6; ++i) put(*h.shard, "T", 0, numbered("m", i));
  flush_log(*h.shard);  // durable now: a sync-flush broker has acknowledged these
  put(*h.shard, "T", 0, "m6");
  FlushPlan in_flight;
  h.shard->commit_log().begin_flush(in_flight);
  REQUIRE(!in_flight.empty());
  const Status closed = h.shard->close();
  REQUIRE(!closed.ok());
  CHECK(closed.error().code == Errc::busy);
  in_flight.clear();
  h.shard.reset();
  CHECK(!h.root->close_clean().ok());  // before the fix: removed the marker, and the clean open
  h.root.reset();                      // cut the log back to the slot's one record
  h.open();
  CHECK(h.shard->recovery().crashed);
  CHECK(h.shard->max_offset("T", QueueId{0}).value == 7);
}

TEST_CASE("shard_store: a clean open whose checkpoint lies past the remaining segments is an error, not an abort") {
  TempDir tmp;
  Harness h(tmp.path());
  const std::string body(1000, 'r');
  for (int i = 0; i < 12; ++i) put(*h.shard, "T", 0, body);
  REQUIRE(h.shard->commit_log().segment_count() == 2);
  const std::string last = h.shard->commit_log().segment_at(1)->path();
  h.close_clean();
  REQUIRE(remove_file(last).ok());  // e.g. an operator's mistake
  auto root = StoreRoot::open(tmp.path(), 1);
  REQUIRE(root.ok());
  auto s = ShardStore::open(*root.value(), ShardId{0}, h.options);
  REQUIRE(!s.ok());
  CHECK(s.error().code == Errc::corrupt);
}
