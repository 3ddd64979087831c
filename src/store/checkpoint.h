// The checkpoint file, <root>/checkpoint: one page holding one 64-byte slot per shard. Shard 0's
// slot starts with RocketMQ's physicMsgTimestamp, logicsMsgTimestamp and indexMsgTimestamp
// (docs/STORE-FORMAT.md §10.2); ringmq recovers from the offsets that follow.
//
// Owner: shared by the shards' cores; each core writes only its own slot (disjoint cache lines,
// so no locks) and syncs the file in its checkpoint flush round. A slot is written only after what
// it describes is durable, so any version of it that reaches the disk is safe to recover from.
// Slots are 64-byte aligned and never straddle a 512-byte sector, and carry a CRC: a torn slot
// reads as absent and recovery then scans the shard's whole log.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "store/mapped_file.h"
#include "store/types.h"

namespace ringmq::store {

inline constexpr std::size_t kCheckpointFileBytes = 4096;
inline constexpr std::size_t kCheckpointSlotBytes = 64;
static_assert(kCheckpointSlotBytes * kShardsMax <= kCheckpointFileBytes);

struct CheckpointSlotDisk {
  std::uint8_t physic_msg_timestamp[8];
  std::uint8_t logics_msg_timestamp[8];
  std::uint8_t index_msg_timestamp[8];
  std::uint8_t commitlog_durable_offset[8];
  std::uint8_t logics_durable_offset[8];
  std::uint8_t reserved[20];
  std::uint8_t crc[4];  // CRC-32 of the 60 bytes before it
};
static_assert(sizeof(CheckpointSlotDisk) == kCheckpointSlotBytes);

struct CheckpointRecord {
  std::int64_t physic_msg_timestamp_ms = 0;
  std::int64_t logics_msg_timestamp_ms = 0;
  std::int64_t index_msg_timestamp_ms = 0;
  // Every CommitLog byte below this was synced.
  PhysicalOffset commitlog_durable;
  // Every ConsumeQueue and index entry for records below this was synced.
  PhysicalOffset logics_durable;
};

class Checkpoint {
 public:
  // Opens (creating zeroed if missing) the checkpoint file at `path`.
  static Result<std::unique_ptr<Checkpoint>> open(std::string path);

  // The shard's slot, or nullopt if never written or torn.
  std::optional<CheckpointRecord> read(ShardId shard) const;
  // Writes the slot in the mapping; durable once the file is synced (file()).
  void write(ShardId shard, const CheckpointRecord& record);
  const MappedFilePtr& file() const { return file_; }

 private:
  explicit Checkpoint(MappedFilePtr f) : file_(std::move(f)) {}
  CheckpointSlotDisk* slot(ShardId shard) const;
  MappedFilePtr file_;
};

}  // namespace ringmq::store
