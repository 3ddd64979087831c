#include "store/commit_log.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "base/log.h"
#include "base/log_limiter.h"
#include "store/file_ops.h"
#include "store/file_util.h"

namespace ringmq::store {
namespace {

// Page granularity for zeroing a torn tail: pages already zero are left untouched (not dirtied).
constexpr std::size_t kZeroPageBytes = 4096;

// Bytes of `seg` from `pos` for parsing the record there, or none when even its header would lie
// past the reserved blocks: nothing was ever written there (blocks are reserved before every
// write), it reads as zeros, and recovery must not touch it (a read fault on a hole of a full
// tmpfs SIGBUSes). A record header inside them never claims bytes past them for the same reason.
Bytes written_bytes(const MappedFile& seg, std::size_t pos) {
  if (pos + kBlankMarkerBytes > seg.allocated()) return Bytes(seg.data() + pos, 0);
  return Bytes(seg.data() + pos, seg.size() - pos);
}

void zero_nonzero_pages(std::uint8_t* p, std::size_t n) {
  static const std::uint8_t zeros[kZeroPageBytes] = {};
  while (n > 0) {
    const std::size_t chunk = std::min(n, kZeroPageBytes);
    if (std::memcmp(p, zeros, chunk) != 0) std::memset(p, 0, chunk);
    p += chunk;
    n -= chunk;
  }
}

}  // namespace

CommitLog::CommitLog(std::string dir, ShardId shard, const CommitLogOptions& options)
    : dir_(std::move(dir)), shard_(shard), options_(options), write_(shard_base(shard)), durable_(shard_base(shard)),
      visible_(shard_base(shard)) {}

// Records still staged (an owner that never closed the store) reach the page cache, as they would
// have through the mapping.
CommitLog::~CommitLog() { commit_staged(); }

std::string CommitLog::segment_path(std::int64_t start) const { return dir_ + "/" + offset_file_name(start); }

SegmentSpec CommitLog::segment_spec() const {
  return SegmentSpec{options_.segment_bytes, options_.segment_prewrite, options_.segment_refuse_at_usage};
}

Result<std::unique_ptr<CommitLog>> CommitLog::open(std::string dir, ShardId shard, const CommitLogOptions& options) {
  RINGMQ_ASSERT(options.segment_bytes >= 4096 && options.segment_bytes <= (std::size_t{1} << 32) - 1);
  RINGMQ_ASSERT(shard.value < kShardsMax);
  RINGMQ_TRY(make_dirs(dir));
  std::unique_ptr<CommitLog> log(new CommitLog(std::move(dir), shard, options));
  RINGMQ_TRY_ASSIGN(std::vector<std::string> names, list_dir(log->dir_));
  const std::int64_t base = shard_base(shard).value;
  const auto seg_bytes = static_cast<std::int64_t>(options.segment_bytes);
  for (const std::string& name : names) {
    const std::string path = log->dir_ + "/" + name;
    if (name.ends_with(".tmp")) {  // a segment whose creation did not finish
      RINGMQ_TRY(remove_file(path));
      continue;
    }
    RINGMQ_TRY_ASSIGN(std::int64_t start, parse_offset_file_name(name));
    if (start < base || start >= shard_limit(shard).value || (start - base) % seg_bytes != 0)
      return make_error(Errc::corrupt, fmt::format("segment {} does not belong to shard {}", path, shard.value));
    if (!log->segments_.empty() && log->segments_.back()->start() + seg_bytes != start)
      return make_error(Errc::corrupt, fmt::format("segment {} leaves a gap after the previous one", path));
    RINGMQ_TRY_ASSIGN(MappedFilePtr seg, MappedFile::open_existing(path, start, options.segment_bytes));
    log->segments_.push_back(std::move(seg));
  }
  if (!log->segments_.empty())
    log->write_ = log->durable_ = log->visible_ = PhysicalOffset{log->segments_.front()->start()};
  // The last segment is the one appends continue in (see MappedFile::set_readahead).
  if (!log->segments_.empty()) set_readahead_or_warn(*log->segments_.back(), false);
  if (options.preallocate_in_background) log->preallocator_ = std::make_unique<SegmentPreallocator>(log->segment_spec());
  return log;
}

const MappedFilePtr* CommitLog::find_segment(PhysicalOffset offset) const {
  if (segments_.empty() || offset.value < segments_.front()->start()) return nullptr;
  const std::size_t i = static_cast<std::size_t>((offset.value - segments_.front()->start()) /
                                                 static_cast<std::int64_t>(options_.segment_bytes));
  return i < segments_.size() ? &segments_[i] : nullptr;
}

std::int64_t CommitLog::write_segment_end() const {
  return segments_.empty() ? write_.value : segments_.back()->start() + static_cast<std::int64_t>(options_.segment_bytes);
}

Result<bool> CommitLog::is_damage(PhysicalOffset at, const ParseResult& bad, PhysicalOffset durable) const {
  if (at < durable) return true;  // these bytes were synced: a bad record here is damage
  if (bad.status != ParseStatus::corrupt || bad.size < kBlankMarkerBytes) return false;
  // A torn tail is the last thing written. A bad record followed by a good one is damage.
  const MappedFilePtr* seg = find_segment(at + bad.size);
  if (seg == nullptr) return false;
  const std::size_t pos = static_cast<std::size_t>(at.value + bad.size - (*seg)->start());
  const ParseResult next = parse_record(written_bytes(**seg, pos), true, options_.record_crc);
  if (next.status == ParseStatus::blank) return true;
  return next.status == ParseStatus::record && next.record.physical_offset == at + bad.size;
}

Result<ScanResult> CommitLog::scan(PhysicalOffset from, PhysicalOffset durable, const RecordVisitor& visit) const {
  commit_staged();  // a scan of a live log reads through the mapping too
  ScanResult out{from, 0};
  PhysicalOffset pos = from;
  for (;;) {
    const MappedFilePtr* seg = find_segment(pos);
    if (seg == nullptr) break;
    const std::size_t in_seg = static_cast<std::size_t>(pos.value - (*seg)->start());
    ParseResult r = parse_record(written_bytes(**seg, in_seg), true, options_.record_crc);
    if (r.status == ParseStatus::record && r.record.physical_offset != pos) {
      r.status = ParseStatus::corrupt;
      r.why = "stored physical offset differs from the record's position";
    }
    if (r.status == ParseStatus::record) {
      RINGMQ_TRY(visit(r.record));
      pos = pos + r.size;
      out.end = pos;
      ++out.records;
      continue;
    }
    if (r.status == ParseStatus::blank || in_seg == (*seg)->size()) {
      pos = PhysicalOffset{(*seg)->start() + static_cast<std::int64_t>((*seg)->size())};
      if (find_segment(pos) == nullptr) break;
      out.end = pos;
      continue;
    }
    RINGMQ_TRY_ASSIGN(const bool damage, is_damage(pos, r, durable));
    if (damage) {
      const char* why = r.status == ParseStatus::end_of_data ? "no data where synced data should be" : r.why;
      log_error("commitlog shard {}: corrupt record at physical offset {} ({}); refusing to skip it", shard_.value, pos.value, why);
      return make_error(Errc::corrupt, fmt::format("commitlog shard {}: corrupt record at physical offset {}: {}", shard_.value, pos.value, why));
    }
    if (r.status == ParseStatus::corrupt)
      log_warn("commitlog shard {}: torn record at physical offset {} ({}), cutting the tail there", shard_.value, pos.value, r.why);
    break;
  }
  return out;
}

Status CommitLog::recover_to(PhysicalOffset end, PhysicalOffset durable, std::int64_t last_timestamp_ms) {
  RINGMQ_ASSERT(durable <= end);
  // `end` may come from the checkpoint file (a clean open), i.e. from disk: a log whose segments
  // were removed behind our back is reported, not asserted on.
  const bool end_in_log = segments_.empty() ? end == shard_base(shard_)
                                            : end.value >= segments_.front()->start() && end.value <= write_segment_end();
  if (!end_in_log)
    return make_error(Errc::corrupt, fmt::format("commitlog shard {}: recovery end {} lies outside the segments in {}",
                                                 shard_.value, end.value, dir_));
  if (!segments_.empty()) {
    // Delete every segment after the one holding `end` (a position at a segment's very end
    // belongs to that segment; the next append rolls).
    while (segments_.size() > 1 && segments_.back()->start() >= end.value) {
      RINGMQ_TRY(segments_.back()->unlink());
      segments_.pop_back();
    }
    const MappedFilePtr& last = segments_.back();
    const std::size_t pos = static_cast<std::size_t>(end.value - last->start());
    RINGMQ_ASSERT(pos <= last->size());
    // Past the reserved blocks there is nothing to zero, and on tmpfs even reading a hole of a
    // full file system through the mapping would SIGBUS.
    const std::size_t reserved = std::max(pos, last->allocated());
    zero_nonzero_pages(last->data() + pos, reserved - pos);
  }
  write_ = visible_ = end;
  durable_ = durable;
  last_timestamp_ms_ = durable_timestamp_ms_ = last_timestamp_ms;
  request_next_segment();
  return {};
}

void CommitLog::request_next_segment() {
  if (preallocator_ == nullptr) return;
  const std::int64_t next = write_segment_end();
  preallocator_->request(segment_path(next), next);
}

Status CommitLog::prepare_next_segment() {
  const std::int64_t next = write_segment_end();
  if (next_ != nullptr && next_->start() == next) return {};
  if (preallocator_ != nullptr) {
    request_next_segment();
    return {};
  }
  if (segments_.empty()) {
    // The first segment is the write segment itself.
    RINGMQ_TRY_ASSIGN(MappedFilePtr seg, make_segment(segment_path(write_.value), write_.value, segment_spec()));
    segments_.push_back(std::move(seg));
    return {};
  }
  RINGMQ_TRY_ASSIGN(next_, make_segment(segment_path(next), next, segment_spec()));
  return {};
}

Status CommitLog::roll() {
  commit_staged();  // staged bytes belong to the segment being sealed
  const std::int64_t next = write_segment_end();
  if (!segments_.empty()) {
    const MappedFilePtr& last = segments_.back();
    const std::size_t pos = static_cast<std::size_t>(write_.value - last->start());
    if (pos < last->size()) encode_blank(last->data() + pos, static_cast<std::uint32_t>(last->size() - pos));
    // Sealed: from now on it is only read, mostly sequentially by consumers catching up.
    set_readahead_or_warn(*last, true);
  }
  MappedFilePtr seg;
  if (next_ != nullptr && next_->start() == next) {
    seg = std::move(next_);
  } else if (preallocator_ != nullptr) {
    std::optional<Result<MappedFilePtr>> ready = preallocator_->take(next, false);
    if (!ready) {
      ++roll_stalls_;
      request_next_segment();
      ready = preallocator_->take(next, true);
    }
    if (!ready) return make_error(Errc::io, fmt::format("segment {} was not prepared", next));
    RINGMQ_TRY_ASSIGN(seg, std::move(*ready));
  } else {
    ++roll_stalls_;
    RINGMQ_TRY_ASSIGN(seg, make_segment(segment_path(next), next, segment_spec()));
  }
  segments_.push_back(std::move(seg));
  write_ = visible_ = PhysicalOffset{next};
  allocation_requested_ = 0;
  request_next_segment();
  return {};
}

Status CommitLog::reserve(std::size_t bytes) {
  if (failed_) return make_error(failed_->code, "commitlog refuses appends after a failed flush: " + failed_->detail);
  if (bytes + kBlankMarkerBytes > options_.segment_bytes)
    return make_error(Errc::too_large, fmt::format("{} bytes do not fit a {}-byte segment", bytes, options_.segment_bytes));
  if (segments_.empty()) {
    if (preallocator_ != nullptr) {
      // The first segment of a fresh log: make it where a roll would look for it.
      preallocator_->request(segment_path(write_.value), write_.value);
      std::optional<Result<MappedFilePtr>> ready = preallocator_->take(write_.value, true);
      if (!ready) return make_error(Errc::io, "first segment was not prepared");
      RINGMQ_TRY_ASSIGN(MappedFilePtr first, std::move(*ready));
      segments_.push_back(std::move(first));
      request_next_segment();
    } else {
      RINGMQ_TRY(prepare_next_segment());
    }
  }
  const auto left = static_cast<std::size_t>(write_segment_end() - write_.value);
  if (bytes + kBlankMarkerBytes > left) RINGMQ_TRY(roll());
  return ensure_allocated(bytes + kBlankMarkerBytes);
}

Status CommitLog::ensure_allocated(std::size_t bytes) {
  const MappedFilePtr& seg = segments_.back();
  // The blank marker a later roll writes after these bytes must land on reserved blocks too.
  const std::size_t need = static_cast<std::size_t>(write_.value - seg->start()) + bytes;
  if (need > seg->allocated()) {
    // The helper fell behind (or there is none): reserve inline, fallocate only (no zeros: that
    // is the helper's optimisation and would cost this core).
    ++allocation_stalls_;
    RINGMQ_TRY(seg->allocate_to(need + kSegmentAllocateChunkBytes));
  }
  // Less than a chunk short of the runway wanted: ask for the next chunk, once per chunk. The
  // request is rounded to whole chunks so that the appends in between (whose `need` grows by a
  // record each) do not each re-ask, taking the helper's lock and waking it for a few bytes.
  if (preallocator_ != nullptr && need + kSegmentAllocateAheadBytes > seg->allocated() + kSegmentAllocateChunkBytes &&
      allocation_requested_ < need + kSegmentAllocateAheadBytes) {
    const std::size_t wanted = need + kSegmentAllocateAheadBytes;
    allocation_requested_ = (wanted + kSegmentAllocateChunkBytes - 1) / kSegmentAllocateChunkBytes * kSegmentAllocateChunkBytes;
    preallocator_->request_allocation(seg, allocation_requested_);
  }
  return {};
}

Result<AppendResult> CommitLog::append(const MessageInput& m, QueueOffset queue_offset, std::int64_t store_timestamp_ms) {
  AppendResult out;
  RINGMQ_TRY(append_batch(std::span(&m, 1), std::span(&queue_offset, 1), store_timestamp_ms, std::span(&out, 1)));
  return out;
}

Status CommitLog::append_batch(std::span<const MessageInput> ms, std::span<const QueueOffset> queue_offsets,
                               std::int64_t store_timestamp_ms, std::span<AppendResult> out) {
  RINGMQ_ASSERT(ms.size() == queue_offsets.size() && ms.size() == out.size());
  std::size_t total = 0;
  for (const MessageInput& m : ms) {
    RINGMQ_TRY(validate_message(m, options_.body_bytes_max, options_.record_crc));
    total += encoded_size(m, options_.record_crc);
  }
  RINGMQ_TRY(reserve(total));  // a roll commits what is staged first
  if (staging_.size() + total > kStagedBytesMax) commit_staged();
  const MappedFilePtr& seg = segments_.back();
  RINGMQ_ASSERT(static_cast<std::size_t>(write_.value - seg->start()) + total + kBlankMarkerBytes <= seg->size());
  std::uint8_t* stage = staging_.extend(total);
  for (std::size_t i = 0; i < ms.size(); ++i) {
    const std::size_t size = encoded_size(ms[i], options_.record_crc);
    encode_record(ms[i], queue_offsets[i], write_, store_timestamp_ms, stage, options_.record_crc);
    out[i] = AppendResult{write_, queue_offsets[i], static_cast<std::uint32_t>(size), store_timestamp_ms,
                          make_offset_message_id(ms[i].store_host, write_)};
    write_ = write_ + static_cast<std::int64_t>(size);
    stage += size;
  }
  last_timestamp_ms_ = store_timestamp_ms;
  return {};
}

void CommitLog::commit_staged() const {
  if (staging_.empty()) return;
  const MappedFile& seg = *segments_.back();
  const auto pos = static_cast<std::size_t>(visible_.value - seg.start());
  RINGMQ_ASSERT(visible_.value + static_cast<std::int64_t>(staging_.size()) == write_.value);
  if (Status st = write_to_segment(seg, pos, staging_.data(), staging_.size()); !st.ok()) {
    static LogLimiter limiter;
    RINGMQ_LOG_LIMITED(limiter, log_error, "commitlog shard {}: {}; storing through the mapping instead", shard_.value,
                       st.error().to_string());
    std::memcpy(seg.data() + pos, staging_.data(), staging_.size());
  }
  staging_.clear();
  visible_ = write_;
}

Status CommitLog::write_to_segment(const MappedFile& seg, std::size_t pos, const std::uint8_t* bytes, std::size_t n) {
  while (n > 0) {
    const ssize_t w = fileops::pwrite(seg.fd(), bytes, n, static_cast<off_t>(pos));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return make_sys_error(errno, fmt::format("pwrite {} at {}", seg.path(), pos));
    bytes += w;
    pos += static_cast<std::size_t>(w);
    n -= static_cast<std::size_t>(w);
  }
  return {};
}

Result<RecordSlice> CommitLog::slice(PhysicalOffset offset, std::uint32_t size) const {
  if (offset + size > visible_) commit_staged();
  const MappedFilePtr* seg = find_segment(offset);
  if (seg == nullptr || offset + size > write_)
    return make_error(Errc::not_found, fmt::format("physical offset {} is not in commitlog shard {}", offset.value, shard_.value));
  const auto pos = static_cast<std::uint32_t>(offset.value - (*seg)->start());
  if (pos + std::size_t{size} > (*seg)->size()) return make_error(Errc::invalid_argument, "slice crosses a segment end");
  return RecordSlice{*seg, pos, size};
}

Result<RecordView> CommitLog::read_record(PhysicalOffset offset) const {
  if (offset >= visible_) commit_staged();
  const MappedFilePtr* seg = find_segment(offset);
  if (seg == nullptr || offset >= write_)
    return make_error(Errc::not_found, fmt::format("physical offset {} is not in commitlog shard {}", offset.value, shard_.value));
  const auto pos = static_cast<std::size_t>(offset.value - (*seg)->start());
  const ParseResult r = parse_record(Bytes((*seg)->data() + pos, (*seg)->size() - pos), false);
  if (r.status != ParseStatus::record)
    return make_error(Errc::corrupt, fmt::format("no record at physical offset {}", offset.value));
  return r.record;
}

}  // namespace ringmq::store
