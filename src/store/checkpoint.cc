#include "store/checkpoint.h"

#include <cstring>

#include "base/bytes.h"
#include "base/hash.h"
#include "store/file_util.h"

namespace ringmq::store {
namespace {

constexpr std::size_t kSlotCrcBytes = offsetof(CheckpointSlotDisk, crc);

std::int64_t get64(const std::uint8_t* p) { return static_cast<std::int64_t>(load_be64(p)); }
void set64(std::uint8_t* p, std::int64_t v) { store_be64(p, static_cast<std::uint64_t>(v)); }

}  // namespace

Result<std::unique_ptr<Checkpoint>> Checkpoint::open(std::string path) {
  if (!path_exists(path)) {
    RINGMQ_TRY_ASSIGN(MappedFilePtr f, MappedFile::create(path, 0, kCheckpointFileBytes, FileFill::prewritten));
    return std::unique_ptr<Checkpoint>(new Checkpoint(std::move(f)));
  }
  RINGMQ_TRY_ASSIGN(MappedFilePtr f, MappedFile::open_existing(path, 0, kCheckpointFileBytes));
  return std::unique_ptr<Checkpoint>(new Checkpoint(std::move(f)));
}

CheckpointSlotDisk* Checkpoint::slot(ShardId shard) const {
  RINGMQ_ASSERT(shard.value < kShardsMax);
  return reinterpret_cast<CheckpointSlotDisk*>(file_->data() + shard.value * kCheckpointSlotBytes);
}

std::optional<CheckpointRecord> Checkpoint::read(ShardId shard) const {
  const CheckpointSlotDisk* s = slot(shard);
  const Bytes covered(reinterpret_cast<const std::uint8_t*>(s), kSlotCrcBytes);
  if (load_be32(s->crc) != crc32(covered) || load_be32(s->crc) == 0) return std::nullopt;
  CheckpointRecord r;
  r.physic_msg_timestamp_ms = get64(s->physic_msg_timestamp);
  r.logics_msg_timestamp_ms = get64(s->logics_msg_timestamp);
  r.index_msg_timestamp_ms = get64(s->index_msg_timestamp);
  r.commitlog_durable = PhysicalOffset{get64(s->commitlog_durable_offset)};
  r.logics_durable = PhysicalOffset{get64(s->logics_durable_offset)};
  return r;
}

void Checkpoint::write(ShardId shard, const CheckpointRecord& r) {
  CheckpointSlotDisk next{};
  set64(next.physic_msg_timestamp, r.physic_msg_timestamp_ms);
  set64(next.logics_msg_timestamp, r.logics_msg_timestamp_ms);
  set64(next.index_msg_timestamp, r.index_msg_timestamp_ms);
  set64(next.commitlog_durable_offset, r.commitlog_durable.value);
  set64(next.logics_durable_offset, r.logics_durable.value);
  store_be32(next.crc, crc32(Bytes(reinterpret_cast<const std::uint8_t*>(&next), kSlotCrcBytes)));
  std::memcpy(slot(shard), &next, sizeof next);
}

}  // namespace ringmq::store
