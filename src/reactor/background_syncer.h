// BackgroundSyncer: one thread at SCHED_IDLE that runs fdatasync/fsync for a reactor.
//
// Why: an fdatasync spends CPU in the calling thread writing pages back (page-table
// write-protection, bio submission: a few ms per MB of dirty mmap'd pages). Issued through
// io_uring, that work runs in io-wq workers that inherit the core thread's priority and CPU, so
// the 1 s checkpoint round preempted the reactors for several ms at a time. At SCHED_IDLE the
// kernel runs this thread only when no normal thread wants the CPU, and preempts it as soon as
// one does. The price: on a saturated CPU its jobs wait, so only small syncs nobody waits for
// belong here (the broker's checkpoints). The CommitLog's own flush stays on io_uring: starved,
// its dirty pages would pile up until the kernel throttles the core writing them.
//
// The range of a reactor fsync is not honoured: the whole file is synced (user space has no
// ranged fdatasync). That only makes more bytes durable.
//
// Threading: submit() from the owning reactor's thread; `done` runs on the syncer thread. The
// destructor runs the queued jobs, then joins.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace ringmq::reactor {

class BackgroundSyncer {
 public:
  struct Job {
    int fd = -1;
    bool datasync = true;
    std::function<void(int result)> done;  // 0 or -errno, on the syncer thread
  };

  explicit BackgroundSyncer(std::string thread_name);
  BackgroundSyncer(const BackgroundSyncer&) = delete;
  BackgroundSyncer& operator=(const BackgroundSyncer&) = delete;
  ~BackgroundSyncer();

  // Never refuses: the caller bounds the jobs in flight (Reactor's fsync slots).
  void submit(Job job);

 private:
  void run(const std::string& thread_name);

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ringmq::reactor
