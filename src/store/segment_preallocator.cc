#include "store/segment_preallocator.h"

#include <fmt/format.h>
#include <time.h>

#include "base/log.h"
#include "base/log_limiter.h"
#include "store/file_util.h"

namespace ringmq::store {
namespace {

std::uint64_t thread_cpu_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace

Result<MappedFilePtr> make_segment(std::string path, std::int64_t start, const SegmentSpec& spec) {
  if (spec.refuse_at_usage < 1.0) {
    const Result<double> usage = disk_usage_ratio(parent_dir(path));
    if (usage.ok() && *usage >= spec.refuse_at_usage)
      return make_error(Errc::no_space, fmt::format("disk {:.1f}% used, at or above {:.0f}%: segment {} not created",
                                                    *usage * 100, spec.refuse_at_usage * 100, path));
  }
  RINGMQ_TRY_ASSIGN(MappedFilePtr seg, MappedFile::create(path, start, spec.segment_bytes, FileFill::sparse_synced));
  if (Status st = seg->allocate_to(kSegmentAllocateChunkBytes, spec.allocate_mode()); !st.ok()) {
    // A segment without blocks is useless when the disk is full: take it back out.
    seg.reset();
    (void)remove_file(path);
    return st.take_error();
  }
  // A new segment is about to be appended to through page faults (see MappedFile::set_readahead).
  set_readahead_or_warn(*seg, false);
  return seg;
}

SegmentPreallocator::SegmentPreallocator(const SegmentSpec& spec) : spec_(spec), thread_([this] { run(); }) {}

SegmentPreallocator::~SegmentPreallocator() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    pending_.reset();
    pending_allocation_.reset();
  }
  cv_.notify_all();
  thread_.join();
}

void SegmentPreallocator::request(std::string path, std::int64_t start) {
  {
    std::lock_guard lock(mu_);
    if (working_on_ == start || (ready_ && ready_->first == start)) return;
    pending_.emplace(std::move(path), start);
  }
  cv_.notify_all();
}

void SegmentPreallocator::request_allocation(MappedFilePtr file, std::size_t end) {
  {
    std::lock_guard lock(mu_);
    pending_allocation_.emplace(std::move(file), end);
  }
  cv_.notify_all();
}

std::optional<Result<MappedFilePtr>> SegmentPreallocator::take(std::int64_t start, bool wait) {
  std::unique_lock lock(mu_);
  if (wait) {
    cv_.wait(lock, [&] {
      const bool queued = (pending_ && pending_->second == start) || working_on_ == start;
      return !queued;
    });
  }
  if (!ready_ || ready_->first != start) return std::nullopt;
  std::optional<Result<MappedFilePtr>> out(std::move(ready_->second));
  ready_.reset();
  return out;
}

void SegmentPreallocator::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || pending_.has_value() || pending_allocation_.has_value(); });
    if (stop_) return;
    const std::uint64_t cpu_before_ns = thread_cpu_ns();
    if (pending_allocation_) {
      // The write segment's next chunk first: the owner may be about to need it.
      auto [file, end] = std::move(*pending_allocation_);
      pending_allocation_.reset();
      lock.unlock();
      if (Status st = file->allocate_to(end, spec_.allocate_mode()); !st.ok()) {
        static LogLimiter limiter;  // retried per chunk while the disk is full
        RINGMQ_LOG_LIMITED(limiter, log_warn, "reserving blocks ahead of the writer: {}", st.error().to_string());
      }
      file.reset();  // drop the pin before taking the lock again
      cpu_ns_.fetch_add(thread_cpu_ns() - cpu_before_ns, std::memory_order_relaxed);
      lock.lock();
      continue;
    }
    auto [path, start] = std::move(*pending_);
    pending_.reset();
    working_on_ = start;
    lock.unlock();
    Result<MappedFilePtr> made = make_segment(std::move(path), start, spec_);
    cpu_ns_.fetch_add(thread_cpu_ns() - cpu_before_ns, std::memory_order_relaxed);
    segments_made_.fetch_add(1, std::memory_order_relaxed);
    lock.lock();
    working_on_ = -1;
    ready_.emplace(start, std::move(made));
    cv_.notify_all();
  }
}

}  // namespace ringmq::store
