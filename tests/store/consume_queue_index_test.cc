#include <doctest/doctest.h>

#include "store/consume_queue.h"
#include "store/index_file.h"
#include "test_util.h"

using namespace ringmq;
using namespace ringmq::store;
using namespace ringmq::store::testing;

TEST_CASE("consume_queue: an entry is B.4's 20 bytes: physical offset, size, tag hash") {
  TempDir tmp;
  auto q = ConsumeQueue::open(tmp.sub("q"), "TopicTest", QueueId{1}, 16, false);
  REQUIRE(q.ok());
  REQUIRE(q.value()->put(QueueOffset{0}, ConsumeQueueEntry{PhysicalOffset{1234}, 134, 2598919}).ok());
  auto file = read_whole_file(tmp.sub("q/00000000000000000000"));
  REQUIRE(file.ok());
  CHECK(file->size() == 16 * 20);
  CHECK(to_hex(as_bytes(std::string_view(*file).substr(0, 20))) == "00000000000004d200000086000000000027a807");
}

TEST_CASE("consume_queue: files roll every entries_per_file, are named by byte offset, and reopen at the end") {
  TempDir tmp;
  {
    auto q = ConsumeQueue::open(tmp.sub("q"), "T", QueueId{0}, 4, false);
    REQUIRE(q.ok());
    for (int i = 0; i < 10; ++i) REQUIRE(q.value()->put(QueueOffset{i}, ConsumeQueueEntry{PhysicalOffset{i * 100}, 100, i}).ok());
  }
  CHECK(path_exists(tmp.sub("q/00000000000000000080")));  // entries 4..7
  CHECK(path_exists(tmp.sub("q/00000000000000000160")));
  auto q = ConsumeQueue::open(tmp.sub("q"), "T", QueueId{0}, 4, false);
  REQUIRE(q.ok());
  CHECK(q.value()->max_offset().value == 10);
  CHECK(q.value()->get(QueueOffset{6}).offset.value == 600);
  CHECK(q.value()->max_physical_end().value == 1000);
  q.value()->truncate_from_physical(PhysicalOffset{550});
  CHECK(q.value()->max_offset().value == 6);
  REQUIRE(q.value()->drop_before_physical(PhysicalOffset{450}).ok());
  CHECK(q.value()->min_offset().value == 5);
  CHECK(!path_exists(tmp.sub("q/00000000000000000000")));
}

TEST_CASE("index: an item is B.5's bytes in B.5's slot, and lookups walk the chain newest first") {
  TempDir tmp;
  IndexOptions o;  // RocketMQ's sizes: the file is sparse
  auto f = IndexFile::create(tmp.sub("idx"), o);
  REQUIRE(f.ok());
  IndexFile& idx = *f.value();
  const std::int64_t begin = 1700000000000;
  REQUIRE(idx.put("TopicTest#OTHER", PhysicalOffset{1}, begin));
  REQUIRE(idx.put("TopicTest#ORDER-1", PhysicalOffset{1234}, begin + 3000));
  const std::uint8_t* base = idx.file()->data();
  CHECK(load_be32(base + 40 + 1209712 * 4) == 2);  // slot -> item 2
  CHECK(to_hex(Bytes(base + 40 + 5000000 * 4 + 2 * 20, 20)) == "423bb6f000000000000004d20000000300000000");
  CHECK(idx.index_count() == 3);
  REQUIRE(idx.put("TopicTest#ORDER-1", PhysicalOffset{5000}, begin + 9000));
  std::vector<PhysicalOffset> out;
  idx.lookup("TopicTest#ORDER-1", begin, begin + 10000, 10, out);
  REQUIRE(out.size() == 2);
  CHECK(out[0].value == 5000);
  CHECK(out[1].value == 1234);
  out.clear();
  idx.lookup("TopicTest#ORDER-1", begin + 5000, begin + 10000, 10, out);
  CHECK(out.size() == 1);
}

TEST_CASE("index: a full file starts a new one; queries span files") {
  TempDir tmp;
  IndexOptions o;
  o.slots = 8;
  o.items = 5;  // 4 usable items (index 0 is never used)
  auto svc = IndexService::open(tmp.sub("index"), o);
  REQUIRE(svc.ok());
  for (int i = 0; i < 10; ++i)
    REQUIRE(svc.value()->add("T", "KEYS\x01k\x02", 0, PhysicalOffset{i * 10}, 1000 + i).ok());
  CHECK(svc.value()->file_count() == 3);
  CHECK(svc.value()->query("T", "k", 0, 1 << 30, 100).size() == 10);
  CHECK(svc.value()->query("T", "k", 0, 1 << 30, 3).size() == 3);
}

TEST_CASE("index: a damaged item count in the header bounds lookups instead of asserting") {
  TempDir tmp;
  IndexOptions o;
  o.slots = 64;
  o.items = 32;
  auto f = IndexFile::create(tmp.sub("idx"), o);
  REQUIRE(f.ok());
  IndexFile& idx = *f.value();
  REQUIRE(idx.put("T#k", PhysicalOffset{100}, 1700000000000));
  std::uint8_t* base = idx.file()->data();
  store_be32(base + 36, 1000);                                     // index_count far past the items
  store_be32(base + 40 + (index_key_hash("T#k") % 64) * 4, 500);  // a slot pointing past them too
  std::vector<PhysicalOffset> out;
  idx.lookup("T#k", 0, INT64_MAX, 10, out);
  CHECK(out.empty());
}
