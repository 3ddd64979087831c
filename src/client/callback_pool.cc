#include "client/callback_pool.h"

#include <pthread.h>

#include <algorithm>

namespace ringmq::client {

CallbackPool::CallbackPool(unsigned threads, std::string name, std::size_t queue_max) : queue_max_(queue_max) {
  threads = std::max(threads, 1u);
  for (unsigned i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { run(); });
    // Thread names show in top/gdb; Linux allows 15 characters.
    std::string thread_name = (name + std::to_string(i)).substr(0, 15);
    pthread_setname_np(threads_.back().native_handle(), thread_name.c_str());
  }
}

CallbackPool::~CallbackPool() { shutdown(); }

Status CallbackPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return make_error(Errc::closed, "callback pool is shut down");
    if (queue_.size() >= queue_max_) return make_error(Errc::busy, "callback queue is full");
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return {};
}

void CallbackPool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

bool CallbackPool::on_pool_thread() const {
  const auto self = std::this_thread::get_id();
  return std::any_of(threads_.begin(), threads_.end(), [&](const std::thread& t) { return t.get_id() == self; });
}

void CallbackPool::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace ringmq::client
