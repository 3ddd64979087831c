// Engine: starts and stops the cores. One thread per core, pinned to a CPU, each running its own
// Reactor; the thread names its log lines with set_log_core(core). Start-up hooks run on each core
// thread (that is where a server opens its listener and builds its per-core state); stop hooks run
// on each core thread after its connections have closed, before its io_uring is torn down.
//
// Threading: start(), wait(), join() and the destructor belong to the thread that owns the Engine
// (usually main). post() and stop() may be called from any thread, including cores.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <signal.h>

#include "base/result.h"
#include "reactor/reactor.h"

namespace ringmq::reactor {

struct EngineOptions {
  unsigned cores = 0;            // 0 = default_core_count()
  bool pin_threads = true;       // pin core i to the i-th CPU this process may run on
  bool handle_signals = false;   // wait() also returns on SIGINT/SIGTERM (blocked in every thread)
  RecvBufferConfig recv_buffers{};  // per-core provided receive buffers
  // Borrowed bytes from which a sendmsg goes out zero-copy; 0 = never (limits.h).
  std::size_t zerocopy_send_min_bytes = kZeroCopySendBytesMinDefault;
  // Also send zero-copy to loopback peers (tests; it costs CPU there, see limits.h).
  bool zerocopy_to_loopback = false;
  // Open connections per core (limits.h); at most kConnectionsPerCoreLimit.
  std::size_t connections_max = kConnectionsPerCoreMax;
  // Poll the ring this long before sleeping (0 = sleep at once; at most kIdlePollNsMax; limits.h).
  std::int64_t idle_poll_ns = 0;
};

// The number of cores an Engine runs when not told: derived from the CPUs this process may run
// on. One CPU is left to the kernel's network stack, the flush workers and anything sharing the
// host. Measured on a 2-vCPU machine with the bench client beside the broker, `--cores 1` beat two
// reactors in every row of scripts/bench.sh against RocketMQ 4.9.4 (the client, the kernel's
// loopback and softirq work compete with both reactors). So: 1 core on 1-2 CPUs, CPUs - 1 above.
unsigned default_core_count();

// Runs on a core thread with that core's reactor.
using CoreFn = std::function<void(Reactor&)>;

class Engine {
 public:
  explicit Engine(EngineOptions options = {});
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  // Stops and joins the cores if still running.
  ~Engine();

  // Starts every core and returns once each has its io_uring (or the first error, after stopping
  // the cores that did start). on_start runs on each core before its loop begins.
  Status start(CoreFn on_start = {}, CoreFn on_stop = {});
  unsigned core_count() const { return core_count_; }

  // Runs `task` on core `core`. From a core thread this is Reactor::post (lock-free ring); from
  // any other thread it goes through the core's bounded external inbox. Errc::busy when full.
  Status post(unsigned core, Task task);
  // Asks every core to stop: listeners close, connections close, the loops end. Idempotent.
  void stop();
  // Blocks until stop() (or, with handle_signals, SIGINT/SIGTERM), then stops and joins.
  void wait();
  // Waits for the core threads to end (after stop()).
  void join();

  // The reactor of `core`. Only its own thread may call into it, except through post().
  Reactor& reactor(unsigned core) { return *reactors_[core]; }

 private:
  void core_main(unsigned core, const CoreFn& on_start, const CoreFn& on_stop);
  void pin_to_cpu(unsigned core);

  EngineOptions options_;
  unsigned core_count_ = 0;
  std::vector<std::unique_ptr<Reactor>> reactors_;
  std::vector<std::thread> threads_;
  std::vector<int> cpus_;

  // Start-up handshake and stop notification for wait().
  std::mutex mutex_;
  std::condition_variable cv_;
  unsigned cores_ready_ = 0;
  bool start_failed_ = false;
  Error start_error_;
  bool go_ = false;
  bool stop_requested_ = false;

  bool signals_blocked_ = false;
  sigset_t old_sigmask_{};
  int signal_fd_ = -1;
  int stop_fd_ = -1;  // eventfd written by stop() so wait() can poll it beside the signalfd
};

}  // namespace ringmq::reactor
