#include "reactor/buffer_ring.h"

#include <sys/mman.h>

#include <cerrno>

#include "base/assert.h"

namespace ringmq::reactor {

ProvidedBufferRing::~ProvidedBufferRing() { destroy(); }

Status ProvidedBufferRing::init(io_uring& ring, std::uint16_t group_id, unsigned count, std::size_t buffer_bytes) {
  RINGMQ_ASSERT(ring_ == nullptr);
  RINGMQ_ASSERT(count > 0 && (count & (count - 1)) == 0);
  // The ring of io_uring_buf descriptors must be page aligned; one mapping for descriptors and
  // buffers keeps both aligned and frees them together.
  const std::size_t ring_bytes = count * sizeof(io_uring_buf);
  const std::size_t total = ring_bytes + count * buffer_bytes;
  void* mapped = ::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (mapped == MAP_FAILED) return make_sys_error(errno, "mmap provided buffer ring");

  ring_ = static_cast<io_uring_buf_ring*>(mapped);
  io_uring_buf_ring_init(ring_);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<std::uint64_t>(mapped);
  reg.ring_entries = count;
  reg.bgid = group_id;
  const int ret = io_uring_register_buf_ring(&ring, &reg, 0);
  if (ret < 0) {
    ::munmap(mapped, total);
    ring_ = nullptr;
    return make_sys_error(-ret, "io_uring_register_buf_ring");
  }
  uring_ = &ring;
  mapped_bytes_ = total;
  buffers_ = static_cast<std::uint8_t*>(mapped) + ring_bytes;
  buffer_bytes_ = buffer_bytes;
  count_ = count;
  group_id_ = group_id;
  const int mask = io_uring_buf_ring_mask(count);
  for (unsigned i = 0; i < count; ++i)
    io_uring_buf_ring_add(ring_, buffers_ + i * buffer_bytes, static_cast<unsigned>(buffer_bytes),
                          static_cast<unsigned short>(i), mask, static_cast<int>(i));
  io_uring_buf_ring_advance(ring_, static_cast<int>(count));
  return {};
}

void ProvidedBufferRing::destroy() {
  if (ring_ == nullptr) return;
  io_uring_unregister_buf_ring(uring_, group_id_);
  ::munmap(ring_, mapped_bytes_);
  ring_ = nullptr;
  buffers_ = nullptr;
  uring_ = nullptr;
}

Bytes ProvidedBufferRing::data(std::uint16_t id, std::size_t length) const {
  RINGMQ_ASSERT(id < count_ && length <= buffer_bytes_);
  return Bytes(buffers_ + static_cast<std::size_t>(id) * buffer_bytes_, length);
}

void ProvidedBufferRing::recycle(std::uint16_t id) {
  RINGMQ_ASSERT(id < count_);
  io_uring_buf_ring_add(ring_, buffers_ + static_cast<std::size_t>(id) * buffer_bytes_,
                        static_cast<unsigned>(buffer_bytes_), id, io_uring_buf_ring_mask(count_), 0);
  io_uring_buf_ring_advance(ring_, 1);
}

}  // namespace ringmq::reactor
