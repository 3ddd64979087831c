#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "store/commit_log.h"
#include "store/file_ops.h"
#include "test_util.h"

using namespace ringmq;
using namespace ringmq::store;
using namespace ringmq::store::testing;

namespace {

constexpr std::size_t kSegmentBytes = 4096;

constexpr SegmentPrewrite kPrewriteModes[] = {SegmentPrewrite::zero_fill, SegmentPrewrite::allocate_only};

const char* prewrite_name(SegmentPrewrite p) { return p == SegmentPrewrite::zero_fill ? "zero_fill" : "allocate_only"; }

CommitLogOptions small_options(bool background = false, SegmentPrewrite prewrite = SegmentPrewrite::zero_fill) {
  CommitLogOptions o;
  o.segment_bytes = kSegmentBytes;
  o.preallocate_in_background = background;
  o.segment_prewrite = prewrite;
  return o;
}

std::unique_ptr<CommitLog> open_fresh(const std::string& dir, ShardId shard = {}, bool background = false,
                                      SegmentPrewrite prewrite = SegmentPrewrite::zero_fill) {
  auto log = CommitLog::open(dir, shard, small_options(background, prewrite));
  REQUIRE(log.ok());
  REQUIRE(log.value()->recover_to(shard_base(shard), shard_base(shard), 0).ok());
  return std::move(log).value();
}

// A message whose record is exactly `size` bytes (>= 100).
MessageInput sized_message(std::string& body, std::size_t size) {
  const MessageInput probe = message("T", 0, "");
  body.assign(size - encoded_size(probe, RecordCrc::whole_record), 'b');
  return message("T", 0, body);
}

void overwrite(const std::string& path, std::size_t pos, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  REQUIRE(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(pos)) == static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

std::string segment_file(const std::string& dir, std::int64_t start) { return dir + "/" + offset_file_name(start); }

}  // namespace

TEST_CASE("commit_log: a record that leaves exactly room for the blank marker stays in the segment") {
  TempDir tmp;
  auto log = open_fresh(tmp.path());
  std::string body;
  const std::size_t fill = kSegmentBytes - 8;  // one record, then the 8 bytes a marker needs
  auto r = log->append(sized_message(body, fill), QueueOffset{0}, 1);
  REQUIRE(r.ok());
  CHECK(r->offset.value == 0);
  CHECK(log->write_offset().value == static_cast<std::int64_t>(fill));
  CHECK(log->segment_count() == 1);

  // Anything more rolls: the last 8 bytes become a blank marker.
  auto next = log->append(sized_message(body, 200), QueueOffset{1}, 2);
  REQUIRE(next.ok());
  CHECK(next->offset.value == static_cast<std::int64_t>(kSegmentBytes));
  CHECK(log->segment_count() == 2);
  const std::uint8_t* tail = log->segment_at(0)->data() + fill;
  CHECK(load_be32(tail) == 8);
  CHECK(load_be32(tail + 4) == kBlankMagic);
}

TEST_CASE("commit_log: a record that does not fit pads the segment with a blank marker and rolls") {
  TempDir tmp;
  auto log = open_fresh(tmp.path());
  std::string body;
  REQUIRE(log->append(sized_message(body, 1000), QueueOffset{0}, 1).ok());
  const std::size_t left = kSegmentBytes - 1000;
  // left - 7 bytes would leave 7, one short of a marker.
  auto r = log->append(sized_message(body, left - 7), QueueOffset{1}, 2);
  REQUIRE(r.ok());
  CHECK(r->offset.value == static_cast<std::int64_t>(kSegmentBytes));
  const std::uint8_t* marker = log->segment_at(0)->data() + 1000;
  CHECK(load_be32(marker) == left);
  CHECK(load_be32(marker + 4) == kBlankMagic);

  // Scanning walks over the marker into the next segment.
  std::vector<std::int64_t> seen;
  auto scan = log->scan(PhysicalOffset{0}, PhysicalOffset{0}, [&](const RecordView& v) -> Status {
    seen.push_back(v.physical_offset.value);
    return {};
  });
  REQUIRE(scan.ok());
  CHECK(seen == std::vector<std::int64_t>{0, static_cast<std::int64_t>(kSegmentBytes)});
  CHECK(scan->end == log->write_offset());
}

TEST_CASE("commit_log: a record larger than a segment is refused and nothing is written") {
  TempDir tmp;
  auto log = open_fresh(tmp.path());
  std::string body;
  auto r = log->append(sized_message(body, kSegmentBytes - 7), QueueOffset{0}, 1);
  CHECK(!r.ok());
  CHECK(r.error().code == Errc::too_large);
  CHECK(log->write_offset().value == 0);
}

TEST_CASE("commit_log: physical offsets carry the shard and segments are named by them") {
  TempDir tmp;
  const ShardId shard{3};
  auto log = open_fresh(tmp.path(), shard);
  auto r = log->append(message("T", 0, "x"), QueueOffset{0}, 1);
  REQUIRE(r.ok());
  CHECK(r->offset == shard_base(shard));
  CHECK(shard_of(r->offset) == shard);
  CHECK(path_exists(segment_file(tmp.path(), shard_base(shard).value)));
  CHECK(offset_file_name(shard_base(shard).value) == "00000844424930131968");
}

TEST_CASE("commit_log: with the helper thread, rolling takes the segment it prepared") {
  for (const SegmentPrewrite prewrite : kPrewriteModes) {
    CAPTURE(prewrite_name(prewrite));
    TempDir tmp;
    auto log = open_fresh(tmp.path(), {}, true, prewrite);
    std::string body;
    for (int i = 0; i < 40; ++i) REQUIRE(log->append(sized_message(body, 1000), QueueOffset{i}, i).ok());
    CHECK(log->segment_count() == 10);  // 4 records of 1000 bytes per 4 KiB segment
    auto rec = log->read_record(PhysicalOffset{9 * static_cast<std::int64_t>(kSegmentBytes) + 3000});
    REQUIRE(rec.ok());
    CHECK(rec->queue_offset.value == 39);
    CHECK(log->preallocator_segments_made() >= 10);
  }
}

TEST_CASE("commit_log: an allocate_only segment has its full size, blocks for its first chunk, and reads as zeros past the data") {
  TempDir tmp;
  std::size_t end = 0;
  {
    auto log = open_fresh(tmp.path(), {}, false, SegmentPrewrite::allocate_only);
    auto r = log->append(message("T", 0, "x"), QueueOffset{0}, 1);
    REQUIRE(r.ok());
    end = static_cast<std::size_t>(r->end().value);
  }
  struct stat st {};
  REQUIRE(::stat(segment_file(tmp.path(), 0).c_str(), &st) == 0);
  CHECK(static_cast<std::size_t>(st.st_size) == kSegmentBytes);
  // The first reserved chunk (kSegmentAllocateChunkBytes) covers this 4 KiB segment.
  CHECK(static_cast<std::size_t>(st.st_blocks) * 512 >= kSegmentBytes);
  auto log = CommitLog::open(tmp.path(), {}, small_options(false, SegmentPrewrite::allocate_only));
  REQUIRE(log.ok());
  const MappedFilePtr& seg = log.value()->segment_at(0);
  bool zeros = true;
  for (std::size_t i = end; i < seg->size(); ++i) zeros = zeros && seg->data()[i] == 0;
  CHECK(zeros);
}

TEST_CASE("commit_log: group commit: one flush covers every append before it, not the ones during it") {
  TempDir tmp;
  auto log = open_fresh(tmp.path());
  std::vector<PhysicalOffset> ends;
  for (int i = 0; i < 5; ++i) {
    auto r = log->append(message("T", 0, "hello"), QueueOffset{i}, 100 + i);
    REQUIRE(r.ok());
    ends.push_back(r->end());
  }
  FlushPlan plan;
  log->begin_flush(plan);
  REQUIRE(!plan.empty());
  CHECK(plan.covers == log->write_offset());
  CHECK(plan.ranges.size() == 1);

  // Appends made while the round runs wait for the next round.
  auto late = log->append(message("T", 0, "late"), QueueOffset{5}, 200);
  REQUIRE(late.ok());
  FlushPlan second;
  log->begin_flush(second);
  CHECK(second.empty());  // one round at a time

  REQUIRE(log->complete_flush(plan, execute_flush_plan(plan)).ok());
  CHECK(log->durable_offset() == ends.back());  // not late's end: it came after begin_flush
  CHECK(log->durable_timestamp_ms() == 104);
  CHECK(log->has_unflushed());

  log->begin_flush(second);
  REQUIRE(!second.empty());
  REQUIRE(log->complete_flush(second, 0).ok());
  CHECK(log->durable_offset() == late->end());
  CHECK(!log->has_unflushed());
}

TEST_CASE("commit_log: a flush across a roll syncs the old segment to its end, blank marker included") {
  TempDir tmp;
  auto log = open_fresh(tmp.path());
  std::string body;
  REQUIRE(log->append(sized_message(body, 3000), QueueOffset{0}, 1).ok());
  REQUIRE(log->append(sized_message(body, 3000), QueueOffset{1}, 2).ok());
  FlushPlan plan;
  log->begin_flush(plan);
  REQUIRE(plan.ranges.size() == 2);
  CHECK(plan.ranges[0].file_offset == 0);
  CHECK(plan.ranges[0].length == static_cast<std::int64_t>(kSegmentBytes));
  CHECK(plan.ranges[1].file_offset == 0);
  CHECK(plan.ranges[1].length == 3000);
  REQUIRE(log->complete_flush(plan, 0).ok());
}

TEST_CASE("commit_log: a failed flush leaves the durable offset, refuses later appends, reads go on") {
  TempDir tmp;
  auto log = open_fresh(tmp.path());
  auto r = log->append(message("T", 0, "a"), QueueOffset{0}, 1);
  REQUIRE(r.ok());
  FlushPlan plan;
  log->begin_flush(plan);
  const Status st = log->complete_flush(plan, -EIO);
  CHECK(!st.ok());
  CHECK(log->durable_offset() < r->end());
  CHECK(!log->append(message("T", 0, "b"), QueueOffset{1}, 2).ok());
  CHECK(log->read_record(r->offset).ok());
}

TEST_CASE("commit_log: a torn tail cut at every byte of the last record recovers to the record before it") {
  std::string body_a = "first", body_b = "second record body";
  const MessageInput a = message("TopicTest", 0, body_a, "TAGS\x01x\x02");
  const MessageInput b = message("TopicTest", 0, body_b, "TAGS\x01y\x02");
  const std::size_t size_a = encoded_size(a, RecordCrc::whole_record), size_b = encoded_size(b, RecordCrc::whole_record);
  for (const SegmentPrewrite prewrite : kPrewriteModes) {
    for (std::size_t cut = 0; cut <= size_b; ++cut) {
      CAPTURE(prewrite_name(prewrite));
      CAPTURE(cut);
      TempDir tmp;
      {
        auto log = open_fresh(tmp.path(), {}, false, prewrite);
        REQUIRE(log->append(a, QueueOffset{0}, 1).ok());
        REQUIRE(log->append(b, QueueOffset{1}, 2).ok());
      }
      // Bytes [cut, size_b) of the last record never reached the disk.
      if (cut < size_b) overwrite(segment_file(tmp.path(), 0), size_a + cut, std::string(size_b - cut, '\0'));
      auto log = CommitLog::open(tmp.path(), {}, small_options(false, prewrite));
      REQUIRE(log.ok());
      std::uint64_t visited = 0;
      auto scan = log.value()->scan(PhysicalOffset{0}, PhysicalOffset{0}, [&](const RecordView&) -> Status {
        ++visited;
        return {};
      });
      REQUIRE(scan.ok());
      const std::size_t expect_end = cut == size_b ? size_a + size_b : size_a;
      CHECK(scan->end.value == static_cast<std::int64_t>(expect_end));
      CHECK(visited == (cut == size_b ? 2u : 1u));
      REQUIRE(log.value()->recover_to(scan->end, PhysicalOffset{0}, 1).ok());
      // Appending goes on from the cut, and the cut bytes are gone.
      auto c = log.value()->append(a, QueueOffset{1}, 3);
      REQUIRE(c.ok());
      CHECK(c->offset.value == static_cast<std::int64_t>(expect_end));
    }
  }
}

TEST_CASE("commit_log: a flipped byte in the middle of the log is reported with its offset, never skipped") {
  TempDir tmp;
  std::vector<std::int64_t> offsets;
  {
    auto log = open_fresh(tmp.path());
    for (int i = 0; i < 5; ++i) {
      auto r = log->append(message("T", 0, "payload-payload"), QueueOffset{i}, 1);
      REQUIRE(r.ok());
      offsets.push_back(r->offset.value);
    }
  }
  overwrite(segment_file(tmp.path(), 0), static_cast<std::size_t>(offsets[2]) + 90, "X");  // a body byte
  auto log = CommitLog::open(tmp.path(), {}, small_options());
  REQUIRE(log.ok());
  auto scan = log.value()->scan(PhysicalOffset{0}, PhysicalOffset{0}, [](const RecordView&) -> Status { return {}; });
  REQUIRE(!scan.ok());
  CHECK(scan.error().code == Errc::corrupt);
  CHECK(scan.error().detail.find("offset " + std::to_string(offsets[2])) != std::string::npos);
}

TEST_CASE("commit_log: a bad last record below the durable offset is damage, not a torn tail") {
  TempDir tmp;
  std::int64_t last = 0, end = 0;
  {
    auto log = open_fresh(tmp.path());
    for (int i = 0; i < 3; ++i) {
      auto r = log->append(message("T", 0, "payload"), QueueOffset{i}, 1);
      REQUIRE(r.ok());
      last = r->offset.value;
      end = r->end().value;
    }
  }
  overwrite(segment_file(tmp.path(), 0), static_cast<std::size_t>(last) + 89, "X");
  auto log = CommitLog::open(tmp.path(), {}, small_options());
  REQUIRE(log.ok());
  auto ok = [](const RecordView&) -> Status { return {}; };
  CHECK(log.value()->scan(PhysicalOffset{0}, PhysicalOffset{last}, ok).ok());  // not yet durable: torn
  auto bad = log.value()->scan(PhysicalOffset{0}, PhysicalOffset{end}, ok);
  REQUIRE(!bad.ok());
  CHECK(bad.error().code == Errc::corrupt);
}

namespace {

// The VmFlags line of /proc/self/smaps for the mapping that holds `address`.
std::string vm_flags_of(const void* address) {
  std::FILE* f = std::fopen("/proc/self/smaps", "r");
  REQUIRE(f != nullptr);
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  char line[512];
  bool inside = false;
  std::string flags;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    unsigned long lo = 0, hi = 0;
    if (std::sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && std::strchr(line, '-') < std::strchr(line, ' ')) {
      inside = at >= lo && at < hi;
    } else if (inside && std::strncmp(line, "VmFlags:", 8) == 0) {
      flags = line + 8;
      break;
    }
  }
  std::fclose(f);
  return flags;
}

bool resident(const std::uint8_t* p, std::size_t bytes) {
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> pages((bytes + page - 1) / page);
  REQUIRE(::mincore(const_cast<std::uint8_t*>(p), bytes, pages.data()) == 0);
  for (unsigned char v : pages)
    if ((v & 1) == 0) return false;
  return true;
}

}  // namespace

TEST_CASE("commit_log: the write segment has no readahead, so a fault brings in only its own pages, and a sealed "
          "segment gets readahead back") {
  TempDir tmp;
  CommitLogOptions o;
  o.segment_bytes = 4 * 1024 * 1024;
  o.segment_prewrite = SegmentPrewrite::allocate_only;
  auto opened = CommitLog::open(tmp.path(), ShardId{}, o);
  REQUIRE(opened.ok());
  auto& log = *opened.value();
  REQUIRE(log.recover_to(shard_base(ShardId{}), shard_base(ShardId{}), 0).ok());

  std::string body;
  const MessageInput m = sized_message(body, 64 * 1024);
  auto first = log.append(m, QueueOffset{0}, 1);
  REQUIRE(first.ok());
  auto slice = log.slice(first->offset, first->size);
  REQUIRE(slice.ok());
  const std::uint8_t* seg = slice->segment->data();
  CHECK(vm_flags_of(seg).find(" rr") != std::string::npos);  // MADV_RANDOM
  // The record's pages are in; the fault did not read ahead into the rest of the segment.
  CHECK(resident(seg, first->size));
  CHECK_FALSE(resident(seg + 1024 * 1024, 4096));

  // Fill the segment until the log rolls into the next one.
  std::int64_t queue = 1;
  PhysicalOffset last = first->offset;
  while (last.value < shard_base(ShardId{}).value + static_cast<std::int64_t>(o.segment_bytes)) {
    auto r = log.append(m, QueueOffset{queue++}, 1);
    REQUIRE(r.ok());
    last = r->offset;
  }
  auto next = log.slice(last, static_cast<std::uint32_t>(m.body.size()));
  REQUIRE(next.ok());
  CHECK(next->segment->data() != seg);
  CHECK(vm_flags_of(seg).find(" rr") == std::string::npos);                // sealed: readahead back
  CHECK(vm_flags_of(next->segment->data()).find(" rr") != std::string::npos);  // the new write segment
}

namespace {
// The bytes of `path` at [pos, pos + n), read with pread: what the page cache holds, whatever
// the CommitLog still keeps staged.
std::string file_bytes(const std::string& path, std::size_t pos, std::size_t n) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  std::string out(n, '\0');
  REQUIRE(::pread(fd, out.data(), n, static_cast<off_t>(pos)) == static_cast<ssize_t>(n));
  ::close(fd);
  return out;
}
}  // namespace

TEST_CASE("commit_log: appends are staged until a read, a flush round, a roll or commit_staged() writes them") {
  TempDir tmp;
  auto log = open_fresh(tmp.path());
  const std::string path = segment_file(tmp.path(), 0);
  std::string body;
  auto first = log->append(sized_message(body, 300), QueueOffset{0}, 1);
  REQUIRE(first.ok());
  CHECK(log->has_staged());
  CHECK(file_bytes(path, 0, 300) == std::string(300, '\0'));  // not in the file yet

  SUBCASE("a read commits") {
    auto slice = log->slice(first->offset, first->size);
    REQUIRE(slice.ok());
    CHECK_FALSE(log->has_staged());
    const std::string in_file = file_bytes(path, 0, 300);
    CHECK(std::memcmp(in_file.data(), slice->segment->data(), 300) == 0);
    CHECK(load_be32(slice->segment->data()) == 300);  // TOTALSIZE: the record, not zeros
  }
  SUBCASE("a flush round commits what it syncs") {
    FlushPlan plan;
    log->begin_flush(plan);
    CHECK_FALSE(log->has_staged());
    CHECK(plan.covers == first->end());
    CHECK(load_be32(reinterpret_cast<const std::uint8_t*>(file_bytes(path, 0, 4).data())) == 300);
    plan.clear();
  }
  SUBCASE("a roll commits the sealed segment's records before its blank marker") {
    auto second = log->append(sized_message(body, kSegmentBytes - 200), QueueOffset{1}, 2);
    REQUIRE(second.ok());
    CHECK(second->offset.value == static_cast<std::int64_t>(kSegmentBytes));
    const std::string sealed = file_bytes(path, 0, 308);
    CHECK(load_be32(reinterpret_cast<const std::uint8_t*>(sealed.data())) == 300);
    CHECK(load_be32(reinterpret_cast<const std::uint8_t*>(sealed.data()) + 304) == kBlankMagic);
  }
}

TEST_CASE("commit_log: a failing pwrite still makes the staged records visible (stored through the mapping)") {
  TempDir tmp;
  auto log = open_fresh(tmp.path());
  std::string body;
  auto r = log->append(sized_message(body, 500), QueueOffset{0}, 1);
  REQUIRE(r.ok());
  {
    ScopedFault fault(FileOp::pwrite, FaultSpec{FaultKind::fail, EIO});
    log->commit_staged();
    CHECK(faults_hit(FileOp::pwrite) >= 1);
  }
  CHECK_FALSE(log->has_staged());
  auto read = log->read_record(r->offset);
  REQUIRE(read.ok());
  CHECK(read->queue_offset == QueueOffset{0});
  CHECK(read->body.size() == body.size());
}

namespace {
// Whether no page of [p, p + bytes) is in the page cache.
bool none_resident(const std::uint8_t* p, std::size_t bytes) {
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> pages((bytes + page - 1) / page);
  REQUIRE(::mincore(const_cast<std::uint8_t*>(p), bytes, pages.data()) == 0);
  for (unsigned char v : pages)
    if ((v & 1) != 0) return false;
  return true;
}
}  // namespace

TEST_CASE("commit_log: a flush round drops synced pages further behind the durable end than page_cache_keep_bytes") {
  TempDir tmp;
  CommitLogOptions o = small_options();
  o.segment_bytes = 4 * 1024 * 1024;
  o.page_cache_keep_bytes = 1024 * 1024;
  auto opened = CommitLog::open(tmp.path(), ShardId{}, o);
  REQUIRE(opened.ok());
  auto& log = *opened.value();
  REQUIRE(log.recover_to(shard_base(ShardId{}), shard_base(ShardId{}), 0).ok());
  std::string body;
  const MessageInput m = sized_message(body, 64 * 1024);
  // 12 MiB over three segments, then one synced flush round.
  for (std::int64_t q = 0; log.write_offset().value < 12 * 1024 * 1024; ++q) REQUIRE(log.append(m, QueueOffset{q}, 1).ok());
  FlushPlan plan;
  log.begin_flush(plan);
  REQUIRE(log.complete_flush(plan, execute_flush_plan(plan)).ok());
  const std::int64_t durable = log.durable_offset().value;
  const std::int64_t keep_from = durable - static_cast<std::int64_t>(o.page_cache_keep_bytes);

  // The first segment lies wholly before keep_from: none of it is cached any more.
  CHECK(none_resident(log.segment_at(0)->data(), o.segment_bytes));
  // The last 1 MiB before the durable end stays.
  const MappedFilePtr& last = log.segment_at(log.segment_count() - 1);
  const auto keep_pos = static_cast<std::size_t>(std::max(keep_from, last->start()) - last->start());
  const auto durable_pos = static_cast<std::size_t>(durable - last->start());
  const std::size_t kept = (keep_pos + 4095) / 4096 * 4096;
  CHECK(resident(last->data() + kept, durable_pos / 4096 * 4096 - kept));
  // Dropped pages read back from the file unchanged.
  auto first = log.read_record(shard_base(ShardId{}));
  REQUIRE(first.ok());
  CHECK(first->queue_offset == QueueOffset{0});
  CHECK(first->body.size() == body.size());
}
