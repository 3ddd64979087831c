// ConsumeQueue: the per-(topic, queueId) index into the CommitLog, 20-byte entries (physical
// offset, size, tags code) in files of entries_per_file entries named by the byte offset of their
// first entry (docs/STORE-FORMAT.md §9). Entry n is queue offset n.
//
// Owner: the core that owns the queue's shard; no locks. Entries are written in the same step as
// the CommitLog append (ShardStore::put), so they are visible to pulls at once. Like the CommitLog
// they reach the disk through flush plans (collect_flush / flush_done); after a crash, entries past
// the checkpoint are cut and rebuilt from the CommitLog.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/flush_plan.h"
#include "store/mapped_file.h"
#include "store/types.h"

namespace ringmq::store {

inline constexpr std::size_t kConsumeQueueEntryBytes = 20;
inline constexpr std::size_t kConsumeQueueEntriesPerFileDefault = 300'000;
// Disk blocks a queue file reserves at a time ahead of its last entry (files are sparse).
inline constexpr std::size_t kConsumeQueueAllocateChunkBytes = 64 * 1024;
// Size RocketMQ writes into entries that fill a gap before a queue's first file.
inline constexpr std::uint32_t kBlankEntrySize = 0x7FFFFFFF;

// On-disk entry, big-endian.
struct ConsumeQueueEntryDisk {
  std::uint8_t physical_offset[8];
  std::uint8_t size[4];
  std::uint8_t tags_code[8];
};
static_assert(sizeof(ConsumeQueueEntryDisk) == kConsumeQueueEntryBytes);

struct ConsumeQueueEntry {
  PhysicalOffset offset;
  std::uint32_t size = 0;
  std::int64_t tags_code = 0;
};

class ConsumeQueue {
 public:
  // Maps the queue's files under `dir` (created if missing) and finds the end of its entries.
  // `thorough` scans the last file entry by entry (after a crash) instead of binary searching.
  static Result<std::unique_ptr<ConsumeQueue>> open(std::string dir, std::string topic, QueueId queue_id,
                                                    std::size_t entries_per_file, bool thorough);

  const std::string& topic() const { return topic_; }
  QueueId queue_id() const { return queue_id_; }
  // Queue offsets [min_offset, max_offset) can be read.
  QueueOffset min_offset() const { return min_; }
  QueueOffset max_offset() const { return max_; }
  // Physical offset just past the last entry's record (0 if empty): the duplicate check of §9.1.
  PhysicalOffset max_physical_end() const { return max_physical_end_; }

  // Creates the files entries up to `last` will go into and reserves their disk blocks, so the
  // put()s that follow cannot fail (nor SIGBUS on a full disk): the append path calls it before
  // the CommitLog append.
  Status reserve(QueueOffset last);
  // Writes entry `at`; `at` must be max_offset() (or more: the gap is filled with blank entries).
  Status put(QueueOffset at, const ConsumeQueueEntry& entry);
  // Entry at `at` in [min_offset, max_offset).
  ConsumeQueueEntry get(QueueOffset at) const;
  // The physical offset in the first entry, if any: tells which shard owns this queue.
  std::optional<PhysicalOffset> first_physical_offset() const;

  // Drops entries whose record starts at or after `from` (torn or beyond the recovered log).
  void truncate_from_physical(PhysicalOffset from);
  // Moves min_offset past entries whose records are gone (CommitLog min offset moved) and deletes
  // files wholly below it.
  Status drop_before_physical(PhysicalOffset commitlog_min);

  // Adds the ranges written since the last flush to `plan`; flush_done() records them as durable.
  void collect_flush(FlushPlan& plan);
  void flush_done();
  bool dirty() const { return durable_ < max_; }

 private:
  ConsumeQueue(std::string dir, std::string topic, QueueId queue_id, std::size_t entries_per_file);
  bool entry_valid(QueueOffset at) const;
  ConsumeQueueEntryDisk* slot(QueueOffset at) const;
  Status ensure_file_for(QueueOffset at);
  // The file for `at` exists and entry `at` lies on reserved disk blocks.
  Status ensure_writable(QueueOffset at);
  std::int64_t file_bytes() const { return static_cast<std::int64_t>(entries_per_file_ * kConsumeQueueEntryBytes); }
  void find_max(bool thorough);

  const std::string dir_;
  const std::string topic_;
  const QueueId queue_id_;
  const std::size_t entries_per_file_;
  std::vector<MappedFilePtr> files_;  // contiguous, oldest first
  QueueOffset min_;
  QueueOffset max_;
  QueueOffset durable_;
  QueueOffset flushing_to_;
  PhysicalOffset max_physical_end_;
};

}  // namespace ringmq::store
