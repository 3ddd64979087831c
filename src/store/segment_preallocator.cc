#include "store/segment_preallocator.h"

namespace ringmq::store {

SegmentPreallocator::SegmentPreallocator(std::size_t segment_bytes)
    : segment_bytes_(segment_bytes), thread_([this] { run(); }) {}

SegmentPreallocator::~SegmentPreallocator() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    pending_.reset();
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
    cv_.wait(lock, [&] { return stop_ || pending_.has_value(); });
    if (stop_) return;
    auto [path, start] = std::move(*pending_);
    pending_.reset();
    working_on_ = start;
    lock.unlock();
    Result<MappedFilePtr> made = MappedFile::create(std::move(path), start, segment_bytes_, FileFill::prewritten);
    lock.lock();
    working_on_ = -1;
    ready_.emplace(start, std::move(made));
    cv_.notify_all();
  }
}

}  // namespace ringmq::store
