#pragma once

#include <cstdint>

#include "reactor/limits.h"

namespace ringmq::reactor {

// Decides how long an idle core polls for work before it sleeps (EngineOptions::idle_poll_ns, the
// broker's --idle-poll-us). Polling replaces the wake-up of a halted vCPU, which on a VM costs more
// than a small request's work, with CPU spent waiting; that pays with one request in flight and
// loses wherever the polling core takes CPU that a client or peer thread on the same CPUs needs.
// So polling pauses while other threads want the CPU: the core's thread being preempted
// (involuntary context switches, sampled every kIdlePollSampleNs while polling) more often than
// kIdlePollPreemptionsPerSecondMax stops polling for kIdlePollPauseNs, after which the rate, taken
// over the pause too, is checked again. (A budget that also halved after each poll that caught
// nothing lost the whole gain with one sync producer on the test VM: the wake-up latency counted
// into every sleep, so the budget never grew back.)
// Pure bookkeeping, no clock or syscall of its own: the reactor feeds it times and counts.
class IdlePollGovernor {
 public:
  explicit IdlePollGovernor(std::int64_t max_ns = 0) : max_ns_(max_ns) {}

  std::int64_t max_ns() const { return max_ns_; }
  // How long the poll about to start may last; 0 = sleep at once.
  std::int64_t budget_ns(std::int64_t now_ns) const { return now_ns < paused_until_ns_ ? 0 : max_ns_; }
  // Whether the reactor should read its preemption count now (only while polling).
  bool wants_preemption_sample(std::int64_t now_ns) const {
    return preemptions_at_sample_ < 0 || now_ns - sampled_at_ns_ >= kIdlePollSampleNs;
  }
  // The thread's involuntary context switches so far (getrusage(RUSAGE_THREAD).ru_nivcsw), read at
  // `now_ns`. True if this sample paused polling.
  bool on_preemption_sample(std::int64_t now_ns, std::int64_t preemptions_total);

 private:
  std::int64_t max_ns_;
  std::int64_t paused_until_ns_ = 0;
  std::int64_t sampled_at_ns_ = 0;
  std::int64_t preemptions_at_sample_ = -1;  // -1: no sample yet
};

}  // namespace ringmq::reactor
