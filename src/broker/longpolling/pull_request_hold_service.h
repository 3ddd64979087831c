// PullRequestHoldService: pulls parked until a message arrives in their queue or their suspend
// time passes (RocketMQ B/longpolling/PullRequestHoldService.java, without its polling thread).
//
// Owner: the core that owns the queues (one service per core). A pull that found nothing
// (PULL_NOT_FOUND) with the suspend flag is parked here under its (topic, queueId); the send path
// calls notify_arrival() in the same step that appends to the queue, so a matching pull is
// re-executed at once, with no polling interval. Each parked pull also has a core timer for its
// suspend timeout; on expiry it is re-executed and answers whatever it finds (PULL_NOT_FOUND).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "broker/broker_limits.h"
#include "broker/longpolling/pull_job.h"
#include "reactor/reactor.h"

namespace ringmq::broker {

class PullRequestHoldService {
 public:
  using Execute = std::function<void(std::unique_ptr<PullJob>)>;

  // `execute` re-runs a woken pull on this core (it must not park it again).
  PullRequestHoldService(reactor::Reactor& reactor, Execute execute) : reactor_(reactor), execute_(std::move(execute)) {}
  ~PullRequestHoldService();

  // Parks `job` for `timeout_ms`; gives it back if a limit is hit.
  std::unique_ptr<PullJob> hold(std::unique_ptr<PullJob> job, std::int64_t timeout_ms);
  // A message with `tags_code` was appended to (topic, queue_id): wake the pulls it matches.
  void notify_arrival(std::string_view topic, std::int32_t queue_id, std::int64_t tags_code);
  std::size_t held() const { return jobs_.size(); }

 private:
  static std::string key(std::string_view topic, std::int32_t queue_id);
  void wake(std::uint64_t id, bool cancel_timer);

  reactor::Reactor& reactor_;
  Execute execute_;
  std::unordered_map<std::uint64_t, std::unique_ptr<PullJob>> jobs_;
  std::unordered_map<std::string, std::vector<std::uint64_t>> by_queue_;
  std::uint64_t next_id_ = 1;
};

}  // namespace ringmq::broker
