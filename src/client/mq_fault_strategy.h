// Queue selection for sends (Java's TopicPublishInfo + MQFaultStrategy, simplified): round-robin
// over the topic's publish queues, skipping the broker that just failed (for the retry of a send)
// and, with fault avoidance on, brokers whose last send failed less than `isolation_ms` ago.
//
// Threading: any thread. PublishInfo is immutable except its round-robin counter (atomic); the
// fault table is guarded by a mutex, skipped entirely while no broker is isolated.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "client/message.h"
#include "client/topic_route.h"

namespace ringmq::client {

struct PublishInfo {
  TopicRouteData route;
  std::vector<MessageQueue> queues;
  std::int64_t fetched_at_ms = 0;  // monotonic
  mutable std::atomic<std::uint32_t> send_which_queue{0};
};

class MQFaultStrategy {
 public:
  explicit MQFaultStrategy(bool enabled, std::int64_t isolation_ms) : enabled_(enabled), isolation_ms_(isolation_ms) {}

  // The next queue; never a queue of `last_failed_broker` if another broker has queues, never an
  // isolated broker if a healthy one has queues. `info.queues` must not be empty.
  MessageQueue select(const PublishInfo& info, std::string_view last_failed_broker, std::int64_t now_ms) const;
  // Records a send's outcome for `broker_name`.
  void update(std::string_view broker_name, bool failed, std::int64_t now_ms);
  bool available(std::string_view broker_name, std::int64_t now_ms) const;

 private:
  const bool enabled_;
  const std::int64_t isolation_ms_;
  mutable std::mutex mutex_;
  std::map<std::string, std::int64_t, std::less<>> unavailable_until_ms_;
  std::atomic<int> isolated_count_{0};
};

}  // namespace ringmq::client
