#include "broker/longpolling/pull_request_hold_service.h"

#include <algorithm>

namespace ringmq::broker {

PullRequestHoldService::~PullRequestHoldService() {
  for (auto& [id, job] : jobs_) {
    if (job->hold_timer.valid()) reactor_.cancel_timer(job->hold_timer);
  }
}

std::string PullRequestHoldService::key(std::string_view topic, std::int32_t queue_id) {
  std::string k(topic);
  k.push_back('@');
  k.append(std::to_string(queue_id));
  return k;
}

std::unique_ptr<PullJob> PullRequestHoldService::hold(std::unique_ptr<PullJob> job, std::int64_t timeout_ms) {
  if (jobs_.size() >= kHeldPullsPerCoreMax) return job;
  auto& waiting = by_queue_[key(job->header.topic, job->header.queue_id)];
  if (waiting.size() >= kHeldPullsPerQueueMax) return job;
  const std::uint64_t id = next_id_++;
  auto timer = reactor_.add_timer(std::max<std::int64_t>(timeout_ms, 0), [this, id] { wake(id, false); });
  if (!timer.ok()) return job;
  job->hold_id = id;
  job->hold_timer = *timer;
  job->may_suspend = false;
  waiting.push_back(id);
  jobs_.emplace(id, std::move(job));
  return nullptr;
}

void PullRequestHoldService::notify_arrival(std::string_view topic, std::int32_t queue_id, std::int64_t tags_code) {
  if (jobs_.empty()) return;
  auto it = by_queue_.find(key(topic, queue_id));
  if (it == by_queue_.end() || it->second.empty()) return;
  std::vector<std::uint64_t> matched;
  for (std::uint64_t id : it->second) {
    const PullJob& job = *jobs_.at(id);
    const auto& codes = job.tag_codes;
    if (codes.empty() || std::find(codes.begin(), codes.end(), tags_code) != codes.end()) matched.push_back(id);
  }
  for (std::uint64_t id : matched) wake(id, true);
}

void PullRequestHoldService::wake(std::uint64_t id, bool cancel_timer) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  std::unique_ptr<PullJob> job = std::move(it->second);
  jobs_.erase(it);
  auto q = by_queue_.find(key(job->header.topic, job->header.queue_id));
  if (q != by_queue_.end()) {
    auto& ids = q->second;
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
    if (ids.empty()) by_queue_.erase(q);
  }
  if (cancel_timer) reactor_.cancel_timer(job->hold_timer);
  job->hold_timer = {};
  execute_(std::move(job));
}

}  // namespace ringmq::broker
