// A reused byte buffer that only grows: where the CommitLog encodes appended records until it
// writes them to the segment file. Reuse keeps its pages faulted in and hot in cache, so encoding
// costs a copy into L1/L2 instead of a page fault per new page of the file.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace ringmq::store {

class StagingBuffer {
 public:
  // n more bytes at the end, to be written by the caller; earlier bytes are kept. Grows to the
  // next power of two, so a run of slightly larger batches reallocates only a few times.
  std::uint8_t* extend(std::size_t n) {
    if (size_ + n > capacity_) grow(size_ + n);
    std::uint8_t* out = bytes_.get() + size_;
    size_ += n;
    return out;
  }
  const std::uint8_t* data() const { return bytes_.get(); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }

 private:
  static constexpr std::size_t kInitialBytes = 64 * 1024;
  void grow(std::size_t need) {
    std::size_t grown = std::max(capacity_, kInitialBytes);
    while (grown < need) grown *= 2;
    auto bigger = std::make_unique_for_overwrite<std::uint8_t[]>(grown);
    if (size_ > 0) std::memcpy(bigger.get(), bytes_.get(), size_);
    bytes_ = std::move(bigger);
    capacity_ = grown;
  }

  std::unique_ptr<std::uint8_t[]> bytes_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace ringmq::store
