#include "store/consume_queue.h"

#include <fmt/format.h>

#include <cstring>

#include "base/bytes.h"
#include "store/file_util.h"

namespace ringmq::store {

ConsumeQueue::ConsumeQueue(std::string dir, std::string topic, QueueId queue_id, std::size_t entries_per_file)
    : dir_(std::move(dir)), topic_(std::move(topic)), queue_id_(queue_id), entries_per_file_(entries_per_file) {}

Result<std::unique_ptr<ConsumeQueue>> ConsumeQueue::open(std::string dir, std::string topic, QueueId queue_id,
                                                         std::size_t entries_per_file, bool thorough) {
  RINGMQ_ASSERT(entries_per_file > 0);
  RINGMQ_TRY(make_dirs(dir));
  std::unique_ptr<ConsumeQueue> q(new ConsumeQueue(std::move(dir), std::move(topic), queue_id, entries_per_file));
  RINGMQ_TRY_ASSIGN(std::vector<std::string> names, list_dir(q->dir_));
  for (const std::string& name : names) {
    const std::string path = q->dir_ + "/" + name;
    if (name.ends_with(".tmp")) {
      RINGMQ_TRY(remove_file(path));
      continue;
    }
    RINGMQ_TRY_ASSIGN(std::int64_t start, parse_offset_file_name(name));
    if (start % q->file_bytes() != 0 || (!q->files_.empty() && q->files_.back()->start() + q->file_bytes() != start))
      return make_error(Errc::corrupt, fmt::format("consume queue file {} is misplaced", path));
    RINGMQ_TRY_ASSIGN(MappedFilePtr f, MappedFile::open_existing(path, start, static_cast<std::size_t>(q->file_bytes())));
    set_readahead_or_warn(*f, false);  // the last file is appended to through page faults
    q->files_.push_back(std::move(f));
  }
  q->find_max(thorough);
  return q;
}

ConsumeQueueEntryDisk* ConsumeQueue::slot(QueueOffset at) const {
  RINGMQ_ASSERT(!files_.empty());
  const std::int64_t byte = at.value * static_cast<std::int64_t>(kConsumeQueueEntryBytes);
  const std::size_t i = static_cast<std::size_t>((byte - files_.front()->start()) / file_bytes());
  RINGMQ_ASSERT(byte >= files_.front()->start() && i < files_.size());
  return reinterpret_cast<ConsumeQueueEntryDisk*>(files_[i]->data() + (byte - files_[i]->start()));
}

bool ConsumeQueue::entry_valid(QueueOffset at) const {
  const ConsumeQueueEntryDisk* e = slot(at);
  const auto phys = static_cast<std::int64_t>(load_be64(e->physical_offset));
  const auto size = static_cast<std::int32_t>(load_be32(e->size));
  return phys >= 0 && size > 0;
}

void ConsumeQueue::find_max(bool thorough) {
  if (files_.empty()) {
    min_ = max_ = durable_ = flushing_to_ = QueueOffset{0};
    return;
  }
  const std::int64_t per_file = static_cast<std::int64_t>(entries_per_file_);
  const QueueOffset first{files_.front()->start() / static_cast<std::int64_t>(kConsumeQueueEntryBytes)};
  // Valid entries at the start of the file that begins at queue offset `file_first`. Only entries
  // on reserved blocks are read: nothing was written past them, and reading a hole of a full
  // tmpfs through the mapping SIGBUSes.
  auto count_valid = [&](QueueOffset file_first) {
    const MappedFilePtr& f = files_[static_cast<std::size_t>(
        (file_first.value * static_cast<std::int64_t>(kConsumeQueueEntryBytes) - files_.front()->start()) / file_bytes())];
    const std::int64_t limit = std::min(per_file, static_cast<std::int64_t>(f->allocated() / kConsumeQueueEntryBytes));
    if (thorough) {
      std::int64_t n = 0;
      while (n < limit && entry_valid(file_first + n)) ++n;
      return n;
    }
    // Entries are written in order into a zeroed file: valid ones, then zeros.
    std::int64_t lo = 0, hi = limit;
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      if (entry_valid(file_first + mid)) lo = mid + 1; else hi = mid;
    }
    return lo;
  };
  // The end may lie before the last file: reserve() makes every file a batch needs before the
  // CommitLog append, and an append that then fails (or a crash in between) leaves trailing files
  // with no entry. Taking the end from such a file would skip the rest of the file before it:
  // phantom zero entries and, after a crash, re-dispatched records dropped as "already indexed".
  std::size_t last = files_.size() - 1;
  QueueOffset last_file_first{files_[last]->start() / static_cast<std::int64_t>(kConsumeQueueEntryBytes)};
  std::int64_t n = count_valid(last_file_first);  // valid entries in file `last`
  while (n == 0 && last > 0) {
    --last;
    last_file_first = QueueOffset{files_[last]->start() / static_cast<std::int64_t>(kConsumeQueueEntryBytes)};
    n = count_valid(last_file_first);
  }
  min_ = first;
  max_ = durable_ = flushing_to_ = last_file_first + n;
  // Skip RocketMQ's gap-filling blank entries at the front.
  while (min_ < max_ && load_be32(slot(min_)->size) == kBlankEntrySize) min_ = min_ + 1;
  max_physical_end_ = PhysicalOffset{0};
  if (max_ > min_) {
    const ConsumeQueueEntry e = get(max_ + -1);
    max_physical_end_ = e.offset + e.size;
  }
}

Status ConsumeQueue::ensure_file_for(QueueOffset at) {
  const std::int64_t byte = at.value * static_cast<std::int64_t>(kConsumeQueueEntryBytes);
  const std::int64_t start = byte - byte % file_bytes();
  if (!files_.empty() && files_.back()->start() >= start) return {};
  const std::int64_t next = files_.empty() ? start : files_.back()->start() + file_bytes();
  RINGMQ_ASSERT(next == start);
  RINGMQ_TRY_ASSIGN(MappedFilePtr f, MappedFile::create(dir_ + "/" + offset_file_name(start), start,
                                                        static_cast<std::size_t>(file_bytes()), FileFill::sparse));
  set_readahead_or_warn(*f, false);  // written 20 bytes at a time through page faults
  files_.push_back(std::move(f));
  return {};
}

Status ConsumeQueue::ensure_writable(QueueOffset at) {
  RINGMQ_TRY(ensure_file_for(at));
  const std::int64_t byte = at.value * static_cast<std::int64_t>(kConsumeQueueEntryBytes);
  const MappedFilePtr& f = files_[static_cast<std::size_t>((byte - files_.front()->start()) / file_bytes())];
  const auto need = static_cast<std::size_t>(byte - f->start()) + kConsumeQueueEntryBytes;
  if (need <= f->allocated()) return {};
  // A chunk at a time: one fallocate per few thousand entries, and no more disk than that ahead.
  return f->allocate_to(need + kConsumeQueueAllocateChunkBytes);
}

Status ConsumeQueue::reserve(QueueOffset last) {
  const std::int64_t per_file = static_cast<std::int64_t>(entries_per_file_);
  for (QueueOffset at = max_; at <= last; at = QueueOffset{(at.value / per_file + 1) * per_file}) {
    // The last entry of this file that the range needs: every one before it gets blocks too.
    const QueueOffset file_last{std::min(last.value, (at.value / per_file + 1) * per_file - 1)};
    RINGMQ_TRY(ensure_file_for(at));
    RINGMQ_TRY(ensure_writable(file_last));
  }
  return {};
}

Status ConsumeQueue::put(QueueOffset at, const ConsumeQueueEntry& entry) {
  RINGMQ_ASSERT(at >= max_);
  if (files_.empty()) {
    // A queue that starts past 0 (its early files were deleted, or a restore) starts its first
    // file at the right place; the entries before `at` in that file are blanks.
    RINGMQ_TRY(ensure_file_for(at));
    const QueueOffset first{files_.front()->start() / static_cast<std::int64_t>(kConsumeQueueEntryBytes)};
    min_ = max_ = durable_ = flushing_to_ = first;
  }
  const bool was_empty = min_ == max_;
  while (max_ <= at) {
    RINGMQ_TRY(ensure_writable(max_));
    ConsumeQueueEntryDisk* e = slot(max_);
    const bool last = max_ == at;
    store_be64(e->physical_offset, last ? static_cast<std::uint64_t>(entry.offset.value) : 0);
    store_be32(e->size, last ? entry.size : kBlankEntrySize);
    store_be64(e->tags_code, last ? static_cast<std::uint64_t>(entry.tags_code) : 0);
    max_ = max_ + 1;
  }
  if (was_empty) min_ = at;
  max_physical_end_ = entry.offset + entry.size;
  return {};
}

ConsumeQueueEntry ConsumeQueue::get(QueueOffset at) const {
  RINGMQ_ASSERT(at >= min_ && at < max_);
  const ConsumeQueueEntryDisk* e = slot(at);
  return ConsumeQueueEntry{PhysicalOffset{static_cast<std::int64_t>(load_be64(e->physical_offset))}, load_be32(e->size),
                           static_cast<std::int64_t>(load_be64(e->tags_code))};
}

std::optional<PhysicalOffset> ConsumeQueue::first_physical_offset() const {
  if (min_ >= max_) return std::nullopt;
  return get(min_).offset;
}

void ConsumeQueue::truncate_from_physical(PhysicalOffset from) {
  QueueOffset keep = max_;
  while (keep > min_ && get(keep + -1).offset >= from) keep = keep + -1;
  for (QueueOffset i = keep; i < max_; i = i + 1) std::memset(slot(i), 0, kConsumeQueueEntryBytes);
  max_ = keep;
  if (durable_ > max_) durable_ = max_;
  if (flushing_to_ > max_) flushing_to_ = max_;
  max_physical_end_ = PhysicalOffset{0};
  if (max_ > min_) {
    const ConsumeQueueEntry e = get(max_ + -1);
    max_physical_end_ = e.offset + e.size;
  }
}

Status ConsumeQueue::drop_before_physical(PhysicalOffset commitlog_min) {
  while (min_ < max_ && get(min_).offset < commitlog_min) min_ = min_ + 1;
  const std::int64_t min_byte = min_.value * static_cast<std::int64_t>(kConsumeQueueEntryBytes);
  // Keep the file holding max_ even when empty of live entries: it is where the next put goes.
  while (files_.size() > 1 && files_.front()->start() + file_bytes() <= min_byte) {
    if (pinned(files_.front())) break;  // an in-flight flush still holds it
    RINGMQ_TRY(files_.front()->unlink());
    files_.erase(files_.begin());
  }
  return {};
}

void ConsumeQueue::collect_flush(FlushPlan& plan) {
  flushing_to_ = max_;
  if (durable_ >= max_) return;
  const auto entry_bytes = static_cast<std::int64_t>(kConsumeQueueEntryBytes);
  std::int64_t byte = durable_.value * entry_bytes;
  const std::int64_t end = max_.value * entry_bytes;
  for (const MappedFilePtr& f : files_) {
    const std::int64_t f_end = f->start() + file_bytes();
    if (f_end <= byte || byte >= end) continue;
    const std::int64_t to = std::min(f_end, end);
    plan.ranges.push_back(FlushRange{f->fd(), byte - f->start(), to - byte});
    plan.pins.push_back(f);
    byte = to;
  }
}

void ConsumeQueue::flush_done() {
  if (flushing_to_ > durable_) durable_ = flushing_to_;
}

}  // namespace ringmq::store
