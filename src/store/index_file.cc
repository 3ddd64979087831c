#include "store/index_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <ctime>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/hash.h"
#include "base/log.h"
#include "store/file_util.h"
#include "store/record_format.h"

namespace ringmq::store {
namespace {

// Index number 0 is never used: a slot or prev of 0 means "none" (IndexHeader starts at 1).
constexpr std::uint32_t kFirstIndex = 1;

// yyyyMMddHHmmssSSS in local time, as RocketMQ names index files.
std::string index_file_name(std::int64_t ms) {
  const time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm;
  localtime_r(&secs, &tm);
  return fmt::format("{:04d}{:02d}{:02d}{:02d}{:02d}{:02d}{:03d}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

std::int64_t get64(const std::uint8_t* p) { return static_cast<std::int64_t>(load_be64(p)); }
void set64(std::uint8_t* p, std::int64_t v) { store_be64(p, static_cast<std::uint64_t>(v)); }

}  // namespace

std::uint32_t index_key_hash(std::string_view key) {
  const std::int32_t h = java_string_hash(key);
  if (h == INT32_MIN) return 0;
  return static_cast<std::uint32_t>(h < 0 ? -h : h);
}

Result<std::unique_ptr<IndexFile>> IndexFile::create(std::string path, const IndexOptions& options) {
  RINGMQ_TRY_ASSIGN(MappedFilePtr f, MappedFile::create(std::move(path), 0, file_bytes(options), FileFill::sparse));
  set_readahead_or_warn(*f, false);  // hash slots are hit at random (MappedFile::set_readahead)
  std::unique_ptr<IndexFile> file(new IndexFile(std::move(f), options));
  // Only the header's page now: slot pages are reserved as keys first hash into them, items a
  // chunk at a time (reserve_put), so a new file costs kilobytes of disk, not its 420 MB.
  if (Status st = file->reserve_slot_page(0); !st.ok()) {
    (void)file->file_->unlink();
    return st.take_error();
  }
  store_be32(file->header()->index_count, kFirstIndex);
  file->dirty = true;
  return file;
}

Result<std::unique_ptr<IndexFile>> IndexFile::open(std::string path, const IndexOptions& options) {
  RINGMQ_TRY_ASSIGN(MappedFilePtr f, MappedFile::open_existing(std::move(path), 0, file_bytes(options)));
  set_readahead_or_warn(*f, false);
  std::unique_ptr<IndexFile> file(new IndexFile(std::move(f), options));
  // Which slot pages were ever written: those have blocks (or cached pages).
  file->file_->for_each_data_range(0, file->items_begin(), [&](std::size_t from, std::size_t to) {
    for (std::size_t page = from / kAllocatePageBytes; page * kAllocatePageBytes < to; ++page)
      if (page < file->slot_pages_.size()) file->slot_pages_[page] = true;
  });
  RINGMQ_TRY(file->reserve_slot_page(0));  // the header is written below and on every put
  if (file->index_count() < kFirstIndex) store_be32(file->header()->index_count, kFirstIndex);
  return file;
}

IndexFile::IndexFile(MappedFilePtr file, const IndexOptions& o)
    : file_(std::move(file)), options_(o), slot_pages_((items_begin() + kAllocatePageBytes - 1) / kAllocatePageBytes, false),
      items_reserved_to_(items_begin()) {}

std::size_t IndexFile::items_begin() const { return kIndexHeaderBytes + std::size_t{options_.slots} * kIndexSlotBytes; }

Status IndexFile::reserve_slot_page(std::size_t page) {
  if (slot_pages_[page]) return {};
  RINGMQ_TRY(file_->reserve_range(page * kAllocatePageBytes, kAllocatePageBytes));
  slot_pages_[page] = true;
  return {};
}

bool IndexFile::slot_reserved(std::uint32_t hash) const {
  return slot_pages_[static_cast<std::size_t>(slot(hash) - file_->data()) / kAllocatePageBytes];
}

std::int64_t IndexFile::begin_timestamp_ms() const { return get64(header()->begin_timestamp); }
std::int64_t IndexFile::end_timestamp_ms() const { return get64(header()->end_timestamp); }
PhysicalOffset IndexFile::begin_physical_offset() const { return {get64(header()->begin_physical_offset)}; }
PhysicalOffset IndexFile::end_physical_offset() const { return {get64(header()->end_physical_offset)}; }
std::uint32_t IndexFile::index_count() const { return load_be32(header()->index_count); }
bool IndexFile::full() const { return index_count() >= options_.items; }

Status IndexFile::reserve_put(std::string_view key) {
  if (full()) return {};
  RINGMQ_TRY(reserve_slot_page(static_cast<std::size_t>(slot(index_key_hash(key)) - file_->data()) / kAllocatePageBytes));
  const std::size_t end = items_begin() + (std::size_t{index_count()} + 1) * kIndexItemBytes;
  if (end <= items_reserved_to_) return {};
  const std::size_t to = std::min(end + kIndexAllocateChunkBytes, file_->size());
  RINGMQ_TRY(file_->reserve_range(items_reserved_to_, to - items_reserved_to_));
  items_reserved_to_ = to;
  return {};
}

std::uint8_t* IndexFile::slot(std::uint32_t hash) const {
  return file_->data() + kIndexHeaderBytes + std::size_t{hash % options_.slots} * kIndexSlotBytes;
}

IndexItemDisk* IndexFile::item(std::uint32_t n) const {
  RINGMQ_ASSERT(n < options_.items);
  return reinterpret_cast<IndexItemDisk*>(file_->data() + kIndexHeaderBytes + std::size_t{options_.slots} * kIndexSlotBytes +
                                          std::size_t{n} * kIndexItemBytes);
}

bool IndexFile::put(std::string_view key, PhysicalOffset offset, std::int64_t store_timestamp_ms) {
  if (full()) return false;
  const std::uint32_t hash = index_key_hash(key);
  const std::uint32_t n = index_count();
  std::uint8_t* s = slot(hash);
  std::uint32_t head = load_be32(s);
  if (head >= n) head = 0;  // empty or stale
  std::int64_t diff_s = 0;
  const std::int64_t begin = begin_timestamp_ms();
  if (begin > 0) diff_s = std::clamp<std::int64_t>((store_timestamp_ms - begin) / 1000, 0, INT32_MAX);

  IndexItemDisk* it = item(n);
  store_be32(it->key_hash, hash);
  set64(it->physical_offset, offset.value);
  store_be32(it->time_diff_s, static_cast<std::uint32_t>(diff_s));
  store_be32(it->prev_index, head);
  store_be32(s, n);
  // Written, so lookups may read it (reserve_put reserved it first on the broker's path).
  slot_pages_[static_cast<std::size_t>(s - file_->data()) / kAllocatePageBytes] = true;

  IndexHeaderDisk* h = header();
  if (head == 0) store_be32(h->hash_slot_count, load_be32(h->hash_slot_count) + 1);
  store_be32(h->index_count, n + 1);
  if (n == kFirstIndex) {
    set64(h->begin_physical_offset, offset.value);
    set64(h->begin_timestamp, store_timestamp_ms);
  }
  set64(h->end_physical_offset, offset.value);
  set64(h->end_timestamp, store_timestamp_ms);
  dirty = true;
  return true;
}

void IndexFile::lookup(std::string_view key, std::int64_t begin_ms, std::int64_t end_ms, std::size_t max,
                       std::vector<PhysicalOffset>& out) const {
  const std::uint32_t hash = index_key_hash(key);
  // index_count comes from the file: bounded by the item area so a damaged header cannot walk
  // item() past the mapping (it asserts).
  const std::uint32_t count = std::min(index_count(), options_.items);
  const std::int64_t file_begin = begin_timestamp_ms();
  // A slot page never reserved was never written: reading it would only fault in a hole.
  if (!slot_reserved(hash)) return;
  std::uint32_t n = load_be32(slot(hash));
  // Each step moves to an older item, so the walk ends within `count` steps even on bad data.
  for (std::uint32_t steps = 0; n >= kFirstIndex && n < count && steps < count && out.size() < max; ++steps) {
    const IndexItemDisk* it = item(n);
    const std::int64_t t = file_begin + std::int64_t{load_be32(it->time_diff_s)} * 1000;
    if (load_be32(it->key_hash) == hash && t >= begin_ms && t <= end_ms) out.push_back({get64(it->physical_offset)});
    const std::uint32_t prev = load_be32(it->prev_index);
    if (t < begin_ms || prev == n) break;
    n = prev;
  }
}

Result<std::unique_ptr<IndexService>> IndexService::open(std::string dir, const IndexOptions& options) {
  RINGMQ_TRY(make_dirs(dir));
  std::unique_ptr<IndexService> svc(new IndexService(std::move(dir), options));
  RINGMQ_TRY_ASSIGN(std::vector<std::string> names, list_dir(svc->dir_));
  for (const std::string& name : names) {
    const std::string path = svc->dir_ + "/" + name;
    if (name.ends_with(".tmp")) {
      RINGMQ_TRY(remove_file(path));
      continue;
    }
    RINGMQ_TRY_ASSIGN(std::unique_ptr<IndexFile> f, IndexFile::open(path, options));
    svc->files_.push_back(std::move(f));
  }
  return svc;
}

Result<IndexFile*> IndexService::writable() {
  if (!files_.empty() && !files_.back()->full()) return files_.back().get();
  std::int64_t ms = wall_clock_ms();
  std::string path = dir_ + "/" + index_file_name(ms);
  while (path_exists(path) || (!files_.empty() && path <= files_.back()->file()->path()))
    path = dir_ + "/" + index_file_name(++ms);
  RINGMQ_TRY_ASSIGN(std::unique_ptr<IndexFile> f, IndexFile::create(std::move(path), options_));
  files_.push_back(std::move(f));
  return files_.back().get();
}

Status IndexService::add_key(std::string_view topic, std::string_view key, PhysicalOffset offset, std::int64_t ts) {
  if (key.empty()) return {};
  key_buf_.assign(topic);
  key_buf_.push_back('#');
  key_buf_.append(key);
  RINGMQ_TRY_ASSIGN(IndexFile* f, writable());
  if (offset < f->end_physical_offset()) return {};  // already indexed (re-dispatch after a crash)
  if (f->full()) {
    RINGMQ_TRY_ASSIGN(f, writable());
  }
  RINGMQ_TRY(f->reserve_put(key_buf_));
  RINGMQ_ASSERT(f->put(key_buf_, offset, ts));
  return {};
}

Status IndexService::add(std::string_view topic, std::string_view properties, std::int32_t sys_flag,
                         PhysicalOffset offset, std::int64_t store_timestamp_ms) {
  if ((sys_flag & kSysFlagTransactionMask) == kSysFlagTransactionRollback) return {};
  RINGMQ_TRY(add_key(topic, protocol::find_property(properties, kPropertyUniqKey).value_or(""), offset, store_timestamp_ms));
  std::string_view keys = protocol::find_property(properties, kPropertyKeys).value_or("");
  while (!keys.empty()) {
    const std::size_t sp = keys.find(' ');
    RINGMQ_TRY(add_key(topic, keys.substr(0, sp), offset, store_timestamp_ms));
    if (sp == std::string_view::npos) break;
    keys.remove_prefix(sp + 1);
  }
  return {};
}

std::vector<PhysicalOffset> IndexService::query(std::string_view topic, std::string_view key, std::int64_t begin_ms,
                                                std::int64_t end_ms, std::size_t max) const {
  std::vector<PhysicalOffset> out;
  std::string full_key(topic);
  full_key.push_back('#');
  full_key.append(key);
  for (auto it = files_.rbegin(); it != files_.rend() && out.size() < max; ++it) {
    const IndexFile& f = **it;
    if (f.index_count() <= kFirstIndex) continue;
    if (f.end_timestamp_ms() < begin_ms || f.begin_timestamp_ms() > end_ms) continue;
    f.lookup(full_key, begin_ms, end_ms, max, out);
  }
  return out;
}

Result<PhysicalOffset> IndexService::cut_from(PhysicalOffset from) {
  // The newest file is always rebuilt: its slot table may have reached the disk ahead of its
  // header, and chains through items that were lost cannot be repaired in place.
  PhysicalOffset rescan = from;
  bool newest = true;
  while (!files_.empty() && (newest || files_.back()->end_physical_offset() >= from)) {
    IndexFile& f = *files_.back();
    if (f.index_count() > kFirstIndex) rescan = std::min(rescan, f.begin_physical_offset());
    log_info("index: rebuilding {} from physical offset {}", f.file()->path(), rescan.value);
    RINGMQ_TRY(f.file()->unlink());
    files_.pop_back();
    newest = false;
  }
  return rescan;
}

Status IndexService::drop_before_physical(PhysicalOffset commitlog_min) {
  while (files_.size() > 1 && files_.front()->end_physical_offset() < commitlog_min && !pinned(files_.front()->file())) {
    RINGMQ_TRY(files_.front()->file()->unlink());
    files_.erase(files_.begin());
  }
  return {};
}

void IndexService::collect_flush(FlushPlan& plan, bool all_files) {
  for (const auto& f : files_) {
    if (!f->dirty || (!all_files && f == files_.back())) continue;
    plan.ranges.push_back(FlushRange{f->file()->fd(), 0, static_cast<std::int64_t>(f->file()->size())});
    plan.pins.push_back(f->file());
    f->dirty = false;  // set again by any put while the round runs
  }
}

void IndexService::flush_done(bool ok) {
  if (ok) return;
  for (const auto& f : files_) f->dirty = true;
}

}  // namespace ringmq::store
