// SpscRing: a bounded single-producer/single-consumer queue between two threads (two cores).
// One thread only ever pushes, one thread only ever pops; neither blocks. A full ring refuses the
// push (the caller turns that into Errc::busy). The producer's and the consumer's indices live on
// separate cache lines, each side caching the other's index so a push or pop in the common case
// touches only its own line (as seastar's smp_message_queue does).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace ringmq::reactor {

inline constexpr std::size_t kCacheLineBytes = 64;

template <typename T, std::size_t Capacity>
class SpscRing {
  static_assert(Capacity >= 2 && (Capacity & (Capacity - 1)) == 0, "capacity must be a power of two");

 public:
  SpscRing() = default;
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;
  ~SpscRing() {
    // Both threads are gone by now; destroy what was never popped.
    for (std::uint64_t i = head_.load(std::memory_order_relaxed); i != tail_.load(std::memory_order_relaxed); ++i)
      slot(i)->~T();
  }

  static constexpr std::size_t capacity() { return Capacity; }

  // Producer thread only. Returns false (and leaves `value` untouched) when the ring is full.
  bool try_push(T& value) {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_cached_ == Capacity) {
      head_cached_ = head_.load(std::memory_order_acquire);
      if (tail - head_cached_ == Capacity) return false;
    }
    ::new (static_cast<void*>(slot(tail))) T(std::move(value));
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Consumer thread only. Pops at most `max` items in order, calling fn(T&) on each. Slots are
  // released to the producer once the whole batch has run (one store for the batch).
  template <typename Fn>
  std::size_t drain(Fn&& fn, std::size_t max) {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (tail_cached_ - head < max) {
      tail_cached_ = tail_.load(std::memory_order_acquire);
      if (head == tail_cached_) return 0;
    }
    std::uint64_t n = tail_cached_ - head;
    if (n > max) n = max;
    for (std::uint64_t i = head; i != head + n; ++i) {
      T* item = slot(i);
      fn(*item);
      item->~T();
    }
    head_.store(head + n, std::memory_order_release);
    return static_cast<std::size_t>(n);
  }

  // Either thread; exact only on the consumer thread (which is what the sleep check needs).
  bool empty() const { return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire); }

 private:
  T* slot(std::uint64_t index) {
    return std::launder(reinterpret_cast<T*>(&slots_[(index & (Capacity - 1)) * sizeof(T)]));
  }

  // Consumer side.
  alignas(kCacheLineBytes) std::atomic<std::uint64_t> head_{0};
  std::uint64_t tail_cached_ = 0;
  // Producer side.
  alignas(kCacheLineBytes) std::atomic<std::uint64_t> tail_{0};
  std::uint64_t head_cached_ = 0;
  alignas(kCacheLineBytes) alignas(T) unsigned char slots_[Capacity * sizeof(T)];
};

}  // namespace ringmq::reactor
