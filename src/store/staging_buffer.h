// A reused byte buffer that only grows: where the CommitLog encodes one append call's records
// before writing them to the segment file. Reuse keeps its pages faulted in and hot in cache, so
// encoding costs a copy into L1/L2 instead of a page fault per new page of the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace ringmq::store {

class StagingBuffer {
 public:
  // At least n writable bytes; earlier contents are not kept. Grows to the next power of two so a
  // run of slightly larger batches reallocates only a few times.
  std::uint8_t* reserve(std::size_t n) {
    if (n > capacity_) {
      std::size_t grown = kInitialBytes;
      while (grown < n) grown *= 2;
      bytes_ = std::make_unique_for_overwrite<std::uint8_t[]>(grown);
      capacity_ = grown;
    }
    return bytes_.get();
  }
  std::size_t capacity() const { return capacity_; }

 private:
  static constexpr std::size_t kInitialBytes = 64 * 1024;
  std::unique_ptr<std::uint8_t[]> bytes_;
  std::size_t capacity_ = 0;
};

}  // namespace ringmq::store
