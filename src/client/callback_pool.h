// CallbackPool: a few threads that run user-visible callbacks (async send results, pulled
// messages, listeners) so that user code never runs on the client's reactor thread. Bounded:
// submit() beyond kCallbackQueueMax tasks fails with Errc::busy.
//
// Threading: submit() from any thread; tasks run on the pool's threads in FIFO order (two tasks
// may run at once on different threads). shutdown() runs what is queued, then joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"

namespace ringmq::client {

class CallbackPool {
 public:
  CallbackPool(unsigned threads, std::string name, std::size_t queue_max);
  CallbackPool(const CallbackPool&) = delete;
  CallbackPool& operator=(const CallbackPool&) = delete;
  ~CallbackPool();

  Status submit(std::function<void()> task);
  // Runs queued tasks, then stops the threads. Idempotent; must not be called from a pool thread.
  void shutdown();
  // Whether the calling thread is one of this pool's.
  bool on_pool_thread() const;

 private:
  void run();

  const std::size_t queue_max_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ringmq::client
