// OverflowGate: whether the broker's cores take new requests while cross-core work piles up.
//
// A core parks a cross-core task when the ring to its target is full (BrokerRuntime::post_now).
// Its backlog is fed not only by its own requests but by every core's: a send received on core B
// for a queue of core A becomes a store on A and a reply from A back to B. Refusing only at the
// door of the core whose backlog grows would leave the other doors feeding it, so the gate counts
// the cores whose parked tasks reached kOverflowTasksRefuseRequests, and while any has, every core
// answers new requests SYSTEM_BUSY (processor/broker_handlers.cc). What is already owed still
// completes; broker_limits.h shows that the replies owed by parked sends and pulls fit below
// kOverflowTasksMax.
//
// Core affinity: update() on the core whose backlog changed, with that core's own `core_over`
// flag; refusing() on any core (one relaxed load: a request let in just as the gate closes is
// harmless, it is one more owed task).
#pragma once

#include <atomic>
#include <cstddef>

#include "broker/broker_limits.h"

namespace ringmq::broker {

class OverflowGate {
 public:
  // A core's backlog is now `parked` tasks; `core_over` is that core's flag, kept by the gate.
  void update(bool& core_over, std::size_t parked) {
    const bool over = parked >= kOverflowTasksRefuseRequests;
    if (over == core_over) return;
    core_over = over;
    if (over) {
      cores_over_.fetch_add(1, std::memory_order_relaxed);
    } else {
      cores_over_.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  // Whether new requests are refused, on any core.
  bool refusing() const { return cores_over_.load(std::memory_order_relaxed) > 0; }
  unsigned cores_over() const { return cores_over_.load(std::memory_order_relaxed); }

 private:
  std::atomic<unsigned> cores_over_{0};
};

}  // namespace ringmq::broker
