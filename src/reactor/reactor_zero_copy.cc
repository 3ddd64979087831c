// The reactor's pool of zero-copy send records (Reactor::ZeroCopySend, reactor.h): fixed, made on
// first use, so a zero-copy send allocates nothing; Connection::flush takes one per SENDMSG_ZC and
// the kernel's notification gives it back.
#include <memory>
#include <utility>
#include <vector>

#include "reactor/reactor.h"

namespace ringmq::reactor {

Reactor::ZeroCopySend* Reactor::acquire_zero_copy_send() {
  if (!zero_copy_sends_) {
    zero_copy_sends_ = std::make_unique<ZeroCopySend[]>(kZeroCopySendsInFlightMax);
    free_zero_copy_sends_.reserve(kZeroCopySendsInFlightMax);
    for (std::size_t i = kZeroCopySendsInFlightMax; i > 0; --i)
      free_zero_copy_sends_.push_back(static_cast<std::uint32_t>(i - 1));
  }
  if (free_zero_copy_sends_.empty()) return nullptr;
  ZeroCopySend& rec = zero_copy_sends_[free_zero_copy_sends_.back()];
  free_zero_copy_sends_.pop_back();
  ++zero_copy_sends_in_flight_;
  rec.notification_pending = true;  // until the notification, or a result that promises none
  return &rec;
}

void Reactor::release_zero_copy_send(ZeroCopySend& rec) {
  RINGMQ_ASSERT(zero_copy_sends_in_flight_ > 0 && rec.done.empty());
  rec.notification_pending = false;
  if (++rec.generation == 0) rec.generation = 1;
  --zero_copy_sends_in_flight_;
  free_zero_copy_sends_.push_back(static_cast<std::uint32_t>(&rec - zero_copy_sends_.get()));
}

void Reactor::finish_zero_copy_send(ZeroCopySend& rec) {
  // Callbacks may send again (and take records): run them from a local list.
  std::vector<std::pair<SendDone, Status>> done = std::move(rec.done);
  rec.done.clear();
  rec.buffers.clear();
  release_zero_copy_send(rec);
  for (auto& [fn, status] : done) fn(status);
}

}  // namespace ringmq::reactor
