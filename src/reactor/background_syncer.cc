#include "reactor/background_syncer.h"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/log.h"

namespace ringmq::reactor {

BackgroundSyncer::BackgroundSyncer(std::string thread_name)
    : thread_([this, name = std::move(thread_name)] { run(name); }) {}

BackgroundSyncer::~BackgroundSyncer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void BackgroundSyncer::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void BackgroundSyncer::run(const std::string& thread_name) {
  // Linux allows 15 characters in a thread name.
  pthread_setname_np(pthread_self(), thread_name.substr(0, 15).c_str());
  // Any thread may lower its own policy; a failure only costs the latency this thread exists for.
  sched_param param{};
  if (sched_setscheduler(0, SCHED_IDLE, &param) != 0) {
    log_warn("{}: SCHED_IDLE refused ({}); syncs run at normal priority", thread_name, std::strerror(errno));
  }
  // Not pinned: the core threads are, and this one should take whichever CPU is idle.
  cpu_set_t all;
  CPU_ZERO(&all);
  if (sched_getaffinity(getpid(), sizeof all, &all) == 0) (void)pthread_setaffinity_np(pthread_self(), sizeof all, &all);

  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping and drained
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    const int rc = job.datasync ? ::fdatasync(job.fd) : ::fsync(job.fd);
    job.done(rc == 0 ? 0 : -errno);
  }
}

}  // namespace ringmq::reactor
