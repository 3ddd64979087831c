#include "reactor/idle_poll_governor.h"

namespace ringmq::reactor {

bool IdlePollGovernor::on_preemption_sample(std::int64_t now_ns, std::int64_t preemptions_total) {
  const std::int64_t elapsed_ns = now_ns - sampled_at_ns_;
  const std::int64_t preempted = preemptions_total - preemptions_at_sample_;
  const bool first = preemptions_at_sample_ < 0;
  sampled_at_ns_ = now_ns;
  preemptions_at_sample_ = preemptions_total;
  if (first || elapsed_ns <= 0) return false;
  // preempted / elapsed > max per second, without dividing.
  if (preempted * 1000 * 1000 * 1000 <= kIdlePollPreemptionsPerSecondMax * elapsed_ns) return false;
  paused_until_ns_ = now_ns + kIdlePollPauseNs;
  return true;
}

}  // namespace ringmq::reactor
