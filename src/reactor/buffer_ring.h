// ProvidedBufferRing: the buffers multishot recv fills, built by hand because Debian's liburing
// 2.3 has no io_uring_setup_buf_ring: one anonymous mapping holds the ring entries followed by the
// buffers; the ring is registered with the kernel under a group id and every buffer is added.
// The kernel picks a buffer per completion (its id is in cqe->flags); the core hands it back with
// recycle() once the bytes have been consumed. Owned by one core; lives as long as its io_uring.
#pragma once

#include <liburing.h>

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"

namespace ringmq::reactor {

class ProvidedBufferRing {
 public:
  ProvidedBufferRing() = default;
  ProvidedBufferRing(const ProvidedBufferRing&) = delete;
  ProvidedBufferRing& operator=(const ProvidedBufferRing&) = delete;
  ~ProvidedBufferRing();

  // Maps and registers `count` (a power of two) buffers of `buffer_bytes` each.
  Status init(io_uring& ring, std::uint16_t group_id, unsigned count, std::size_t buffer_bytes);
  // Unregisters and unmaps; call before the io_uring is torn down.
  void destroy();

  std::uint16_t group_id() const { return group_id_; }
  // The first `length` bytes of buffer `id` (as the kernel reported them).
  Bytes data(std::uint16_t id, std::size_t length) const;
  // Gives buffer `id` back to the kernel.
  void recycle(std::uint16_t id);

 private:
  io_uring* uring_ = nullptr;
  io_uring_buf_ring* ring_ = nullptr;
  std::uint8_t* buffers_ = nullptr;
  std::size_t mapped_bytes_ = 0;
  std::size_t buffer_bytes_ = 0;
  unsigned count_ = 0;
  std::uint16_t group_id_ = 0;
};

}  // namespace ringmq::reactor
