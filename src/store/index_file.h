// IndexFile: RocketMQ's hash index from "topic#key" to physical offsets (docs/STORE-FORMAT.md
// §10.1): a 40-byte header, a slot table of int32 chain heads and 20-byte items chained newest
// first. Layout byte for byte; the slot and item counts are settings (RocketMQ: 5M and 20M).
//
// IndexService keeps one shard's run of index files under index/<shard>/, named by creation time
// (yyyyMMddHHmmssSSS). Owner: the shard's core; no locks. Entries are added in the same step as the
// append and made durable by the checkpoint flush; after a crash the files touched past the
// checkpoint are deleted and rebuilt from the CommitLog.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/flush_plan.h"
#include "store/mapped_file.h"
#include "store/types.h"

namespace ringmq::store {

inline constexpr std::size_t kIndexHeaderBytes = 40;
inline constexpr std::size_t kIndexSlotBytes = 4;
inline constexpr std::size_t kIndexItemBytes = 20;
inline constexpr std::uint32_t kIndexSlotsDefault = 5'000'000;
inline constexpr std::uint32_t kIndexItemsDefault = 20'000'000;
// Disk blocks an index file reserves at a time ahead of its next item (files are sparse; slot
// pages are reserved one by one as keys first hash into them).
inline constexpr std::size_t kIndexAllocateChunkBytes = 256 * 1024;

struct IndexHeaderDisk {
  std::uint8_t begin_timestamp[8];
  std::uint8_t end_timestamp[8];
  std::uint8_t begin_physical_offset[8];
  std::uint8_t end_physical_offset[8];
  std::uint8_t hash_slot_count[4];
  std::uint8_t index_count[4];
};
static_assert(sizeof(IndexHeaderDisk) == kIndexHeaderBytes);

struct IndexItemDisk {
  std::uint8_t key_hash[4];
  std::uint8_t physical_offset[8];
  std::uint8_t time_diff_s[4];
  std::uint8_t prev_index[4];
};
static_assert(sizeof(IndexItemDisk) == kIndexItemBytes);

struct IndexOptions {
  std::uint32_t slots = kIndexSlotsDefault;
  std::uint32_t items = kIndexItemsDefault;
};

// RocketMQ's keyHash: |String.hashCode()|, with Integer.MIN_VALUE mapped to 0.
std::uint32_t index_key_hash(std::string_view key);

class IndexFile {
 public:
  static Result<std::unique_ptr<IndexFile>> create(std::string path, const IndexOptions& options);
  static Result<std::unique_ptr<IndexFile>> open(std::string path, const IndexOptions& options);
  static std::size_t file_bytes(const IndexOptions& o) {
    return kIndexHeaderBytes + std::size_t{o.slots} * kIndexSlotBytes + std::size_t{o.items} * kIndexItemBytes;
  }

  bool full() const;
  // Reserves disk blocks for what put(key) writes (its slot's page, the next item), so writing
  // them cannot fault on a full disk.
  Status reserve_put(std::string_view key);
  // Adds `key` (already "topic#key") -> offset. Returns false when the file is full.
  bool put(std::string_view key, PhysicalOffset offset, std::int64_t store_timestamp_ms);
  // Offsets of items whose hash matches `key` and time lies in [begin_ms, end_ms], newest first.
  void lookup(std::string_view key, std::int64_t begin_ms, std::int64_t end_ms, std::size_t max,
              std::vector<PhysicalOffset>& out) const;

  std::int64_t begin_timestamp_ms() const;
  std::int64_t end_timestamp_ms() const;
  PhysicalOffset begin_physical_offset() const;
  PhysicalOffset end_physical_offset() const;
  std::uint32_t index_count() const;
  const MappedFilePtr& file() const { return file_; }
  bool dirty = false;

 private:
  IndexFile(MappedFilePtr file, const IndexOptions& o);
  std::size_t items_begin() const;
  Status reserve_slot_page(std::size_t page);
  bool slot_reserved(std::uint32_t hash) const;
  IndexHeaderDisk* header() const { return reinterpret_cast<IndexHeaderDisk*>(file_->data()); }
  std::uint8_t* slot(std::uint32_t hash) const;
  IndexItemDisk* item(std::uint32_t n) const;

  MappedFilePtr file_;
  IndexOptions options_;
  std::vector<bool> slot_pages_;      // pages of header + slot table with blocks reserved
  std::size_t items_reserved_to_;     // items area: blocks reserved up to this byte
};

class IndexService {
 public:
  static Result<std::unique_ptr<IndexService>> open(std::string dir, const IndexOptions& options);

  // Indexes `topic#UNIQ_KEY` and `topic#k` for every KEYS value of one record.
  Status add(std::string_view topic, std::string_view properties, std::int32_t sys_flag, PhysicalOffset offset,
             std::int64_t store_timestamp_ms);
  // Offsets whose "topic#key" hashes match, store time in [begin_ms, end_ms], newest first. The
  // caller checks the real key in each record (hashes collide), as RocketMQ's client does.
  std::vector<PhysicalOffset> query(std::string_view topic, std::string_view key, std::int64_t begin_ms,
                                    std::int64_t end_ms, std::size_t max) const;

  // Crash recovery: deletes the files holding entries at or after `from`; returns where the
  // CommitLog must be re-dispatched from to rebuild them (<= from).
  Result<PhysicalOffset> cut_from(PhysicalOffset from);
  // Deletes files whose every entry is below `commitlog_min` (their records are gone).
  Status drop_before_physical(PhysicalOffset commitlog_min);
  // Adds the dirty files to `plan`. A periodic round (all_files = false) leaves out the newest
  // file, the one being written: crash recovery rebuilds it from the CommitLog anyway (cut_from),
  // so syncing it buys nothing, and every sync write-protects its randomly written slot pages,
  // each of which then costs the writer a fault and a TLB shootdown on its next put. Measured on
  // the sync-16 bench row: those shootdowns were 6% of the broker's CPU. A closing round passes
  // true, so a clean stop leaves every file complete on disk.
  void collect_flush(FlushPlan& plan, bool all_files);
  // ok = false: the round failed, so everything it covered is dirty again.
  void flush_done(bool ok);
  std::size_t file_count() const { return files_.size(); }
  // The newest file's end timestamp and physical offset (QueryMessageResponseHeader's
  // indexLastUpdateTimestamp / indexLastUpdatePhyoffset); zeros before the first entry.
  std::int64_t last_update_timestamp_ms() const { return files_.empty() ? 0 : files_.back()->end_timestamp_ms(); }
  PhysicalOffset last_update_physical_offset() const {
    return files_.empty() ? PhysicalOffset{0} : files_.back()->end_physical_offset();
  }

 private:
  IndexService(std::string dir, const IndexOptions& o) : dir_(std::move(dir)), options_(o) {}
  Result<IndexFile*> writable();
  Status add_key(std::string_view topic, std::string_view key, PhysicalOffset offset, std::int64_t ts);

  std::string dir_;
  IndexOptions options_;
  std::vector<std::unique_ptr<IndexFile>> files_;  // oldest first
  std::string key_buf_;
};

}  // namespace ringmq::store
