// StoreRoot: the store directory as a whole. Layout:
//
//   <root>/lock                         flock'ed while a broker uses the store
//   <root>/shards                       shard count, fixed when the store is created (docs/ARCHITECTURE.md §3.2)
//   <root>/abort                        exists while the store is open; found at open = crash
//   <root>/checkpoint                   one slot per shard (checkpoint.h)
//   <root>/commitlog/<shard>/<20-digit start offset>
//   <root>/consumequeue/<topic>/<queueId>/<20-digit byte offset>
//   <root>/index/<shard>/<yyyyMMddHHmmssSSS>
//   <root>/config/*.json                metadata, saved through config_file.h
//
// Owner: opened once by the broker's main thread before the cores start, closed after they stop.
// Shards (ShardStore) borrow it; it outlives them. Read-only after open except the checkpoint
// slots, which each shard writes for itself.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"
#include "store/checkpoint.h"
#include "store/types.h"

namespace ringmq::store {

class StoreRoot {
 public:
  // Opens or creates the store at `root`. `shard_count` must match the recorded count, or be 0 to
  // take whatever was recorded (a new store then gets 1).
  static Result<std::unique_ptr<StoreRoot>> open(std::string root, std::uint32_t shard_count);
  ~StoreRoot();

  // The previous run did not close cleanly: shards must run crash recovery.
  bool crashed() const { return crashed_; }
  std::uint32_t shard_count() const { return shard_count_; }
  const std::string& root() const { return root_; }
  std::string commitlog_dir(ShardId shard) const;
  std::string consumequeue_dir() const { return root_ + "/consumequeue"; }
  std::string index_dir(ShardId shard) const;
  std::string config_dir() const { return root_ + "/config"; }
  Checkpoint& checkpoint() const { return *checkpoint_; }

  // After every shard closed cleanly: removes the abort marker so the next open skips the scan.
  // Fails, keeping the marker, if any ShardStore::close() on this root failed: the next open then
  // scans instead of trusting checkpoint slots that do not describe the log's end.
  Status close_clean();

 private:
  explicit StoreRoot(std::string root) : root_(std::move(root)) {}
  // ShardStore::close() sets shard_close_failed_ (from its own core, hence atomic).
  friend class ShardStore;

  std::string root_;
  std::uint32_t shard_count_ = 0;
  bool crashed_ = false;
  int lock_fd_ = -1;
  std::unique_ptr<Checkpoint> checkpoint_;
  std::atomic<bool> shard_close_failed_{false};
};

}  // namespace ringmq::store
