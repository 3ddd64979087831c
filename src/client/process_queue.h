// ProcessQueue: the messages of one assigned queue that were pulled and not yet consumed (Java's
// ProcessQueue). The push consumer's pull callbacks add to it; consume tasks take from it; the
// offset to commit is the smallest offset still held (or one past the largest seen when empty),
// so a crash re-delivers rather than loses.
//
// Threading: any thread; a mutex guards the messages. `dropped` is set once the queue is
// rebalanced away or the consumer stops; whoever sees it stops working on the queue.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "client/message.h"

namespace ringmq::client {

struct ProcessQueue {
  explicit ProcessQueue(MessageQueue queue) : mq(std::move(queue)) {}

  // Adds pulled messages; returns true if the queue had nothing waiting before.
  bool put(std::vector<MessageExt> found) {
    std::lock_guard lock(mutex);
    const bool was_empty = msgs.empty();
    for (auto& msg : found) {
      max_offset_seen = std::max(max_offset_seen, msg.queue_offset);
      msgs.emplace(msg.queue_offset, std::move(msg));
    }
    return was_empty;
  }

  // Removes consumed messages; returns the offset to commit.
  std::int64_t remove(const std::vector<MessageExt>& consumed) {
    std::lock_guard lock(mutex);
    for (const auto& msg : consumed) msgs.erase(msg.queue_offset);
    return msgs.empty() ? max_offset_seen + 1 : msgs.begin()->first;
  }

  // Up to `max` messages from the front, in offset order, left in place (orderly consumption).
  std::vector<MessageExt> peek_front(std::size_t max) {
    std::lock_guard lock(mutex);
    std::vector<MessageExt> out;
    for (auto it = msgs.begin(); it != msgs.end() && out.size() < max; ++it) out.push_back(it->second);
    return out;
  }

  void add_reconsume_times(const std::vector<MessageExt>& batch) {
    std::lock_guard lock(mutex);
    for (const auto& msg : batch)
      if (auto it = msgs.find(msg.queue_offset); it != msgs.end()) ++it->second.reconsume_times;
  }

  std::size_t size() {
    std::lock_guard lock(mutex);
    return msgs.size();
  }

  const MessageQueue mq;
  std::mutex mutex;
  std::map<std::int64_t, MessageExt> msgs;  // by queue offset
  std::int64_t max_offset_seen = -1;
  std::int64_t next_offset = 0;             // the next pull's offset; the pull chain owns it
  std::atomic<bool> dropped{false};
  std::atomic<bool> locked{false};          // orderly + clustering: the broker lock is held
  std::atomic<bool> consuming{false};       // orderly: a consume task is scheduled or running
};

}  // namespace ringmq::client
