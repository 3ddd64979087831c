// CommitLog: one shard's message log, a run of fixed-size segments mapped with mmap and named by
// their 20-digit start offset (docs/STORE-FORMAT.md §8). Physical offsets carry the shard in their
// high bits (types.h), so segment k of shard s starts at (s << kShardShift) + k * segment_bytes.
//
// Owner and threading: one reactor core owns a CommitLog and makes every call on it; nothing here
// locks. Pins (MappedFilePtr copies handed out by reads and flush plans) may be dropped anywhere.
//
// Promises:
// - append() encodes records into a reused staging buffer; commit_staged() writes everything
//   staged with one pwrite into the segment's page cache, where readers see it through the
//   mapping. Every read (slice, read_record), flush round and roll commits first, so a reader
//   never sees a staged record missing. The owner also commits once per reactor pass, before that
//   pass's replies leave and before any task goes to another core: an acknowledged record is in
//   the page cache, and survives a crash of the process, before its acknowledgement exists.
//   append() never waits for a file: the next segment is prepared ahead (segment_preallocator.h,
//   or the owner's prepare_next_segment() calls when the helper thread is off).
// - Why not store through the mapping: a store to a new page of a shared mapping takes a page
//   fault that zero-fills the page first, and every writeback write-protects the page again
//   (folio_mkclean, with TLB shootdowns to the other cores). Profiled on the async batch row,
//   those faults were 23% of the broker's CPU and mkclean another 7%. Why one pwrite per pass and
//   not per append: a buffered pwrite costs about 2 µs in ext4 whatever its size, which was 16% of
//   the CPU of a sync 16-producer run with one pwrite per message. The mapping stays for reads
//   (pulls send straight from it) and for recovery.
// - Segments are sparse. No byte is written before its disk blocks are reserved
//   (MappedFile::allocate_to, in chunks ahead of the write position), so a full disk fails an
//   append with Errc::no_space at reservation, never later at writeback.
// - Durability comes only from flush rounds: begin_flush() says what to fdatasync, complete_flush()
//   moves the durable offset; the sends waiting for it are the broker's (broker/group_commit.h). One round covers
//   every append made before begin_flush(); appends made while it runs go into the next round, so a
//   round's fdatasync is shared by every waiter that queued behind it (group commit).
// - After a failed flush the log refuses appends (the disk is suspect) but keeps serving reads.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/size_limits.h"
#include "store/flush_plan.h"
#include "store/mapped_file.h"
#include "store/record_format.h"
#include "store/segment_preallocator.h"
#include "store/staging_buffer.h"
#include "store/types.h"

namespace ringmq::store {

struct CommitLogOptions {
  std::size_t segment_bytes = std::size_t{1} << 30;
  std::size_t body_bytes_max = kMessageBytesMax;
  // Append RocketMQ 5.x's __CRC32# property to every record, and require it during recovery, so a
  // torn write anywhere in a record is caught (BODYCRC covers only the body). Changing this on an
  // existing store is safe after a clean stop; after a crash, records in the scanned range that
  // lack the property would read as torn.
  RecordCrc record_crc = RecordCrc::whole_record;
  // Prepare the next segment on a helper thread; when false the owner calls prepare_next_segment().
  bool preallocate_in_background = true;
  // How new segments reserve their blocks (segment_preallocator.h): zero_fill when appends wait
  // for fdatasync (--flush sync), allocate_only when they do not (--flush async), where writing
  // every byte twice buys nothing.
  SegmentPrewrite segment_prewrite = SegmentPrewrite::zero_fill;
  // Disk usage (0..1) from which no new segment is created (SegmentSpec::refuse_at_usage).
  double segment_refuse_at_usage = 1.0;
  // Synced CommitLog bytes more than this far behind the durable offset are dropped from the page
  // cache (and this process's mapping) after each flush round; 0 leaves the page cache to the
  // kernel. Why: a growing page cache takes never-used memory for every new page, and on a VM
  // whose free memory is handed back to the host (free page reporting) that costs a host fault
  // per page. On the 2-vCPU test VM, dd wrote a new file at 162-282 MB/s while memory freed a
  // moment before was reused at 2.2 GB/s, and the copy into fresh page-cache pages was 33% of the
  // broker's CPU on the async batch row. Dropping synced, cold pages lets the kernel hand the
  // same, already-backed pages back to the next writes. Consumers reading further back than this
  // read from disk.
  std::size_t page_cache_keep_bytes = 0;
};

struct AppendResult {
  PhysicalOffset offset;
  QueueOffset queue_offset;
  std::uint32_t size = 0;
  std::int64_t store_timestamp_ms = 0;
  OffsetMessageId msg_id;
  PhysicalOffset end() const { return offset + size; }
};

// Bytes of one record inside a pinned segment: what a PULL reply sends without copying.
struct RecordSlice {
  MappedFilePtr segment;
  std::uint32_t position = 0;
  std::uint32_t size = 0;
  Bytes bytes() const { return {segment->data() + position, size}; }
};

struct ScanResult {
  PhysicalOffset end;          // first byte after the last valid record
  std::uint64_t records = 0;   // valid records visited
};

class CommitLog {
 public:
  using RecordVisitor = std::function<Status(const RecordView&)>;

  // Maps the segments found in `dir` (created if missing). Call recover_*() before appending.
  static Result<std::unique_ptr<CommitLog>> open(std::string dir, ShardId shard, const CommitLogOptions& options);
  ~CommitLog();

  // --- recovery (at open, before any append) ---
  // Parses records from `from` (a record boundary), checking length, magic, CRC and the stored
  // physical offset, calling `visit` for each. Stops at the end of valid data. Fails with
  // Errc::corrupt, naming the offset, if a bad record lies below `durable` or has a valid record
  // after it: that is damage, not a torn tail, and is never skipped.
  Result<ScanResult> scan(PhysicalOffset from, PhysicalOffset durable, const RecordVisitor& visit) const;
  // Makes `end` the write position: zeroes the torn bytes after it, deletes later segments.
  // `durable` is how much of it is known to be synced (the rest goes into the next flush round);
  // `last_timestamp_ms` the store time of the record before `end` (0 if unknown).
  Status recover_to(PhysicalOffset end, PhysicalOffset durable, std::int64_t last_timestamp_ms);

  // --- append (owner core) ---
  Result<AppendResult> append(const MessageInput& m, QueueOffset queue_offset, std::int64_t store_timestamp_ms);
  // A batch lands in one segment, records back to back (SEND_BATCH_MESSAGE). out.size() == ms.size().
  Status append_batch(std::span<const MessageInput> ms, std::span<const QueueOffset> queue_offsets,
                      std::int64_t store_timestamp_ms, std::span<AppendResult> out);
  // Writes the staged records to the page cache (one pwrite), so readers of the mapping see them.
  // Should the write fail, the bytes are stored through the mapping instead (their blocks are
  // reserved, so that cannot fault for lack of space): an appended record always becomes visible.
  // Logically const: the log's content does not change, only where its last bytes sit.
  void commit_staged() const;
  bool has_staged() const { return !staging_.empty(); }
  // Creates the next segment now if it is not ready. For owners running without the helper thread
  // (call from an idle slot) and for shutdown paths; a no-op when it is already prepared.
  Status prepare_next_segment();
  // Replication (commit_log_replica.cc): writes `bytes`, a master's log from `at`, verbatim. `at`
  // must be the write offset, or, on an empty log, a segment start; the bytes must end inside the
  // write segment. `blank_tail`: they end with a blank marker, so the write offset moves to the
  // segment's end, as the master's roll did.
  Status append_raw(PhysicalOffset at, Bytes bytes, bool blank_tail, std::int64_t last_timestamp_ms);

  // --- reads (any time) ---
  // The segment holding `offset`, pinned, and the position inside it; Errc::not_found if deleted
  // or not yet written.
  Result<RecordSlice> slice(PhysicalOffset offset, std::uint32_t size) const;
  // Parses (without CRC check) the record at `offset`.
  Result<RecordView> read_record(PhysicalOffset offset) const;

  // --- flush / group commit ---
  // Fills `plan` with what makes [durable_offset, write_offset) durable. Leaves it empty when that
  // range is empty or a round is already in flight.
  void begin_flush(FlushPlan& plan);
  // Ends the round `plan` started and releases its pins (plan.clear()). result is 0 or -errno
  // (from io_uring or execute_flush_plan).
  // On success moves the durable offset to what the round covers; on failure returns the error
  // and refuses appends from then on.
  Status complete_flush(FlushPlan& plan, int result);
  bool flush_in_flight() const { return flush_in_flight_ != 0; }
  bool has_unflushed() const { return durable_ < write_; }

  // --- retention ---
  // Segments older than the write segment, oldest first (the retention candidates).
  std::size_t segment_count() const { return segments_.size(); }
  const MappedFilePtr& segment_at(std::size_t i) const { return segments_[i]; }
  // Deletes the oldest segment; it must not hold the write position, nor be pinned.
  Status delete_oldest_segment(std::string_view why);
  // Store time of the last record in segment i (0 if none), for age-based retention.
  std::int64_t last_store_timestamp_in(std::size_t i) const;

  PhysicalOffset min_offset() const;
  PhysicalOffset write_offset() const { return write_; }
  PhysicalOffset durable_offset() const { return durable_; }
  std::int64_t durable_timestamp_ms() const { return durable_timestamp_ms_; }
  ShardId shard() const { return shard_; }
  std::size_t segment_bytes() const { return options_.segment_bytes; }
  std::uint64_t roll_stalls() const { return roll_stalls_; }
  // Appends that reserved disk blocks themselves because the helper had not yet.
  std::uint64_t allocation_stalls() const { return allocation_stalls_; }
  // CPU time the helper thread spent making segments (0 without it), for metrics and benchmarks.
  std::uint64_t preallocator_cpu_ns() const { return preallocator_ ? preallocator_->cpu_ns() : 0; }
  std::uint64_t preallocator_segments_made() const { return preallocator_ ? preallocator_->segments_made() : 0; }

 private:
  CommitLog(std::string dir, ShardId shard, const CommitLogOptions& options);
  const MappedFilePtr* find_segment(PhysicalOffset offset) const;
  std::string segment_path(std::int64_t start) const;
  SegmentSpec segment_spec() const;
  std::int64_t write_segment_end() const;
  // Makes room for `bytes` at the write position, rolling (blank marker + next segment) if needed.
  Status reserve(std::size_t bytes);
  // Reserves disk blocks for `bytes` past the write position in the write segment (inline if the
  // helper has not yet), and asks the helper for the chunk after.
  Status ensure_allocated(std::size_t bytes);
  Status roll();
  void request_next_segment();
  Result<bool> is_damage(PhysicalOffset at, const ParseResult& bad, PhysicalOffset durable) const;
  // Appends staged past this many bytes are committed at once, bounding the staging buffer.
  static constexpr std::size_t kStagedBytesMax = 256 * 1024;
  // Drops synced pages older than page_cache_keep_bytes behind durable_ (after a flush round).
  void evict_cold_pages();
  // Eviction works in steps of at least this many bytes, so a round's syscalls stay few.
  static constexpr std::int64_t kEvictStepBytes = 8 << 20;
  // pwrite of n bytes at `pos` of `seg`, retrying short writes.
  static Status write_to_segment(const MappedFile& seg, std::size_t pos, const std::uint8_t* bytes, std::size_t n);

  const std::string dir_;
  const ShardId shard_;
  const CommitLogOptions options_;
  std::deque<MappedFilePtr> segments_;  // contiguous, oldest first; back() holds write_
  MappedFilePtr next_;                  // prepared next segment (owner-made), if any
  std::unique_ptr<SegmentPreallocator> preallocator_;
  PhysicalOffset write_;
  PhysicalOffset durable_;
  // Records appended since the last commit_staged(): the bytes of [visible_, write_), all in the
  // write segment. Mutable because readers (const) commit them before they read.
  mutable StagingBuffer staging_;
  mutable PhysicalOffset visible_;
  std::int64_t evicted_to_ = 0;  // pages below this were dropped from the page cache
  std::int64_t last_timestamp_ms_ = 0;
  std::int64_t durable_timestamp_ms_ = 0;
  std::uint64_t flush_in_flight_ = 0;  // id of the round in flight, 0 = none
  std::uint64_t next_flush_id_ = 1;
  std::optional<Error> failed_;
  std::uint64_t roll_stalls_ = 0;
  std::uint64_t allocation_stalls_ = 0;
  std::size_t allocation_requested_ = 0;  // in the write segment: blocks asked of the helper up to here
};

}  // namespace ringmq::store
