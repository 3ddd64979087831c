// ShardStore: one shard of the message store — its CommitLog, the ConsumeQueues of the queues it
// owns, its index files and its checkpoint slot — behind the calls the broker makes.
//
// Owner: one reactor core per shard, which makes every call; no locks anywhere on these paths.
// Lifetime: opened after StoreRoot (which it borrows and which must outlive it), closed before it.
//
// Promises:
// - put() returns after the record, its ConsumeQueue entry and its index entries are in the page
//   cache: a pull issued next sees it. Durability comes from flush rounds: commit_log()'s
//   begin_flush/complete_flush (group commit; the broker keeps the sync-flush waiters) and
//   begin_checkpoint/complete_checkpoint for ConsumeQueues, index files and the checkpoint slot.
// - Reads hand out byte ranges inside pinned segments (GetResult::pins); a segment is neither
//   unmapped nor deleted while a pin is held, wherever it is dropped.
// - open() recovers: after a clean close it trusts the checkpoint and does not scan; after a crash
//   it checks every record from the checkpoint on, cuts a torn tail and rebuilds ConsumeQueue and
//   index entries; damage in the middle of the log fails open() with the offset.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "base/string_hash.h"
#include "store/commit_log.h"
#include "store/consume_queue.h"
#include "store/index_file.h"
#include "store/store_root.h"

namespace ringmq::store {

struct StoreOptions {
  CommitLogOptions commit_log;
  std::size_t cq_entries_per_file = kConsumeQueueEntriesPerFileDefault;
  IndexOptions index;
  // Re-dispatch the whole log at open, rebuilding every ConsumeQueue and index entry.
  bool rebuild_logics = false;
  // Retention (RocketMQ fileReservedTime, diskMaxUsedSpaceRatio, diskSpaceCleanForciblyRatio):
  // segments older than retention_hours go at the delete hour, or at any time once disk usage
  // reaches disk_usage_max_ratio; from disk_clean_forcibly_ratio on the oldest goes even if young.
  std::int64_t retention_hours = 72;
  double disk_usage_max_ratio = 0.75;
  double disk_clean_forcibly_ratio = 0.85;
  std::size_t retention_segments_per_run_max = 10;
  // ConsumeQueue entries one get_messages() call may look at (RocketMQ maxFilterMessageCount).
  std::size_t get_scan_entries_max = 16'000;
  std::int32_t queue_id_max = 65'535;
};

// RocketMQ's GetMessageStatus.
enum class GetStatus {
  found,
  no_matched_message,    // entries scanned, none passed the tag filter
  no_message_in_queue,   // queue unknown or empty
  offset_too_small,
  offset_overflow_one,   // from == max: the caller is caught up (long-poll)
  offset_overflow_badly,
  offset_found_null,     // entries point at deleted CommitLog data
};

// One message of a read: bytes [position, position + size) of pins[pin].
struct MessageRange {
  std::uint32_t pin = 0;
  std::uint32_t position = 0;
  std::uint32_t size = 0;
  QueueOffset queue_offset;
  PhysicalOffset offset;
};

// Decides from a stored record's bytes whether a read takes it (the broker's SQL92 filter);
// empty = every record.
using RecordFilter = std::function<bool(Bytes record)>;

struct GetResult {
  GetStatus status = GetStatus::no_message_in_queue;
  QueueOffset next_begin_offset;
  QueueOffset min_offset;
  QueueOffset max_offset;
  std::vector<MessageRange> messages;
  std::vector<MappedFilePtr> pins;  // segments the ranges point into, each once
  std::size_t total_bytes = 0;

  Bytes bytes(const MessageRange& m) const { return {pins[m.pin]->data() + m.position, m.size}; }
};

// What a retention pass knows of the world (the broker measures it).
struct RetentionInputs {
  std::int64_t now_ms = 0;
  bool delete_hour = true;        // now is in RocketMQ's deleteWhen hours
  double disk_usage_ratio = 0.0;  // of the file system holding the store
};

struct RetentionReport {
  std::size_t segments_deleted = 0;
  bool waiting_for_reader = false;  // the next segment to go is pinned; retry later
};

struct RecoveryReport {
  bool crashed = false;
  PhysicalOffset scanned_from;
  PhysicalOffset end;
  std::uint64_t records_scanned = 0;
};

// Which files a checkpoint round syncs: the periodic rounds, or the last round of a clean close.
enum class CheckpointScope { periodic, closing };

class ShardStore {
 public:
  static Result<std::unique_ptr<ShardStore>> open(StoreRoot& root, ShardId shard, const StoreOptions& options);
  // A clean close: syncs everything, writes the checkpoint. Call before StoreRoot::close_clean().
  Status close();

  // --- writes ---
  // Appends one message; store_timestamp_ms is the broker's "now".
  Result<AppendResult> put(const MessageInput& m, std::int64_t store_timestamp_ms);
  // Appends a batch to one queue (every message's topic and queue_id equal), contiguous in one
  // segment with consecutive queue offsets. out.size() == ms.size().
  Status put_batch(std::span<const MessageInput> ms, std::int64_t store_timestamp_ms, std::span<AppendResult> out);

  // Replication (shard_store_replica.cc): appends a master's log bytes from `at` (whole records,
  // perhaps ending with a blank marker) and dispatches each record to its ConsumeQueue and index
  // in the same step, as put() does. Checks the records' structure and offsets before writing;
  // returns the records written (each parsed view points into `bytes`, valid during the call).
  Result<std::vector<RecordView>> append_replicated(PhysicalOffset at, Bytes bytes);

  // --- reads ---
  // Up to max_messages / max_bytes messages from `from`, skipping entries whose tag code is not
  // in `tag_codes` (empty = every message) and records `accept` refuses.
  GetResult get_messages(std::string_view topic, QueueId queue_id, QueueOffset from, std::size_t max_messages,
                         std::size_t max_bytes, std::span<const std::int64_t> tag_codes,
                         const RecordFilter& accept = {}) const;
  QueueOffset min_offset(std::string_view topic, QueueId queue_id) const;
  QueueOffset max_offset(std::string_view topic, QueueId queue_id) const;
  // First queue offset whose message was stored at or after `timestamp_ms` (max if none).
  QueueOffset offset_for_timestamp(std::string_view topic, QueueId queue_id, std::int64_t timestamp_ms) const;
  // Store time of the message at `at`, or an error if gone.
  Result<std::int64_t> store_timestamp_at(std::string_view topic, QueueId queue_id, QueueOffset at) const;
  // The record at `offset` (offset message id, VIEW_MESSAGE_BY_ID), pinned.
  Result<RecordSlice> message_at(PhysicalOffset offset) const;
  // Records of `topic` whose KEYS hold `key`, stored within [begin_ms, end_ms], newest first.
  std::vector<RecordSlice> query_by_key(std::string_view topic, std::string_view key, std::int64_t begin_ms,
                                        std::int64_t end_ms, std::size_t max) const;
  // Records of `topic` whose UNIQ_KEY is `unique_key`, stored within [begin_ms, end_ms].
  std::vector<RecordSlice> query_by_unique_key(std::string_view topic, std::string_view unique_key, std::int64_t begin_ms,
                                               std::int64_t end_ms, std::size_t max) const;
  // Where this shard's index ends: its newest index file's end timestamp and physical offset.
  std::int64_t index_last_update_timestamp_ms() const { return index_->last_update_timestamp_ms(); }
  PhysicalOffset index_last_update_physical_offset() const { return index_->last_update_physical_offset(); }

  // --- durability ---
  CommitLog& commit_log() { return *log_; }
  const CommitLog& commit_log() const { return *log_; }
  // A checkpoint round: ConsumeQueue and index files written since the last round, plus the
  // checkpoint slot written at the end of the last round. Empty if a round is in flight. A
  // periodic round leaves the index file being written to the closing one (IndexService::
  // collect_flush says why).
  // complete_checkpoint() releases the plan's pins; on success it writes the slot.
  void begin_checkpoint(FlushPlan& plan, CheckpointScope scope = CheckpointScope::periodic);
  Status complete_checkpoint(FlushPlan& plan, int result);

  // --- retention ---
  // Deletes the oldest CommitLog segments that StoreOptions' rules allow (expired ones, up to
  // retention_segments_per_run_max; under forcible pressure one, so the caller measures again),
  // never the write segment, one not yet flushed, or one a reader pins (that one waits). Drops
  // the ConsumeQueue and index entries that pointed into them and moves queue min offsets. Logs
  // each deletion and why.
  Result<RetentionReport> run_retention(const RetentionInputs& in);
  Result<RetentionReport> run_retention(std::int64_t now_ms, double disk_usage_ratio) {
    return run_retention(RetentionInputs{now_ms, true, disk_usage_ratio});
  }

  // --- refusing writes (disk full) ---
  // While refused, put()/put_batch() fail with Errc::no_space and `why`; reads go on.
  void refuse_writes(std::string why) { writes_refused_ = std::move(why); }
  void accept_writes() { writes_refused_.clear(); }
  bool writes_refused() const { return !writes_refused_.empty(); }

  ShardId shard() const { return shard_; }
  const RecoveryReport& recovery() const { return recovery_; }
  std::size_t queue_count() const;

 private:
  using QueueMap = std::unordered_map<std::int32_t, std::unique_ptr<ConsumeQueue>>;
  using TopicMap = std::unordered_map<std::string, QueueMap, StringHash, std::equal_to<>>;

  ShardStore(StoreRoot& root, ShardId shard, const StoreOptions& options)
      : root_(root), shard_(shard), options_(options) {}
  Status load_queues(bool thorough);
  Status recover(bool crashed);
  Status redispatch(const RecordView& r);
  Result<ConsumeQueue*> queue_for_write(std::string_view topic, QueueId queue_id);
  ConsumeQueue* find_queue(std::string_view topic, QueueId queue_id) const;
  void index_record(std::string_view topic, std::string_view properties, std::int32_t sys_flag, PhysicalOffset offset,
                    std::int64_t ts);
  std::vector<RecordSlice> query_index(std::string_view topic, std::string_view key, std::string_view property,
                                       std::int64_t begin_ms, std::int64_t end_ms, std::size_t max) const;
  void write_checkpoint_slot(PhysicalOffset logics_durable);

  StoreRoot& root_;
  const ShardId shard_;
  const StoreOptions options_;
  std::unique_ptr<CommitLog> log_;
  std::unique_ptr<IndexService> index_;
  TopicMap queues_;
  RecoveryReport recovery_;
  std::uint64_t checkpoint_in_flight_ = 0;
  std::uint64_t next_checkpoint_id_ = 1;
  PhysicalOffset logics_durable_;
  std::string writes_refused_;  // empty = writes accepted
  std::int64_t logics_timestamp_ms_ = 0;
};

}  // namespace ringmq::store
