#include "reactor/engine.h"

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/log.h"

namespace ringmq::reactor {

unsigned default_core_count() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  unsigned cpus = ::sched_getaffinity(0, sizeof allowed, &allowed) == 0 ? static_cast<unsigned>(CPU_COUNT(&allowed))
                                                                        : std::thread::hardware_concurrency();
  cpus = std::max(1u, cpus);
  return cpus <= 2 ? 1 : cpus - 1;
}

Engine::Engine(EngineOptions options) : options_(options) {
  core_count_ = options_.cores != 0 ? options_.cores : default_core_count();
  if (core_count_ > kCoresMax) core_count_ = kCoresMax;
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof allowed, &allowed) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &allowed)) cpus_.push_back(cpu);
  }
}

Engine::~Engine() {
  stop();
  join();
  if (signal_fd_ >= 0) ::close(signal_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
  if (signals_blocked_) pthread_sigmask(SIG_SETMASK, &old_sigmask_, nullptr);
}

Status Engine::start(CoreFn on_start, CoreFn on_stop) {
  RINGMQ_ASSERT(threads_.empty());
  const unsigned buffer_count = options_.recv_buffers.count;
  if (buffer_count == 0 || (buffer_count & (buffer_count - 1)) != 0 || buffer_count > 32768 ||
      options_.recv_buffers.bytes == 0)
    return make_error(Errc::invalid_argument, "receive buffer count must be a power of two up to 32768");
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) return make_sys_error(errno, "eventfd");
  if (options_.handle_signals) {
    // Blocked before the cores start so every thread inherits the mask and only the signalfd
    // sees SIGINT/SIGTERM.
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &mask, &old_sigmask_) != 0) return make_error(Errc::io, "pthread_sigmask");
    signals_blocked_ = true;
    signal_fd_ = ::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signal_fd_ < 0) return make_sys_error(errno, "signalfd");
  }
  for (unsigned core = 0; core < core_count_; ++core) {
    reactors_.push_back(std::make_unique<Reactor>(*this, core, core_count_, options_.recv_buffers));
    reactors_.back()->zerocopy_send_min_bytes_ = options_.zerocopy_send_min_bytes;
    reactors_.back()->zerocopy_to_loopback_ = options_.zerocopy_to_loopback;
    reactors_.back()->connections_max_ = std::min(options_.connections_max, kConnectionsPerCoreLimit);
    reactors_.back()->idle_poll_ = IdlePollGovernor(std::clamp<std::int64_t>(options_.idle_poll_ns, 0, kIdlePollNsMax));
  }
  // The hooks are shared by the threads (read only) and outlive them as members of this frame's
  // lambdas: copy them into the thread closures.
  for (unsigned core = 0; core < core_count_; ++core)
    threads_.emplace_back([this, core, on_start, on_stop] { core_main(core, on_start, on_stop); });

  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return cores_ready_ == core_count_; });
  if (start_failed_) {
    go_ = true;  // let the threads that did start leave at once
    stop_requested_ = true;
    cv_.notify_all();
    lock.unlock();
    for (auto& reactor : reactors_) reactor->stop_requested_.store(true);
    join();
    return start_error_;
  }
  go_ = true;
  cv_.notify_all();
  log_info("engine started {} cores", core_count_);
  return {};
}

void Engine::pin_to_cpu(unsigned core) {
  if (!options_.pin_threads || cpus_.empty()) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpus_[core % cpus_.size()], &set);
  const int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  if (rc != 0) log_warn("cannot pin core {} to cpu {}: {}", core, cpus_[core % cpus_.size()], std::strerror(rc));
}

void Engine::core_main(unsigned core, const CoreFn& on_start, const CoreFn& on_stop) {
  set_log_core(static_cast<int>(core));
  pin_to_cpu(core);
  Reactor& reactor = *reactors_[core];
  // The ring is created on its own thread: SINGLE_ISSUER ties it to the creating task.
  Status init = reactor.init();
  {
    std::unique_lock lock(mutex_);
    if (!init.ok() && !start_failed_) {
      start_failed_ = true;
      start_error_ = init.error();
      log_error("core {} failed to start: {}", core, init.error().to_string());
    }
    ++cores_ready_;
    cv_.notify_all();
    // Nobody may post (and so MSG_RING this ring) before every ring exists.
    cv_.wait(lock, [this] { return go_; });
    if (start_failed_) {
      lock.unlock();
      reactor.teardown();
      return;
    }
  }
  if (on_start) on_start(reactor);
  reactor.run();
  if (on_stop) on_stop(reactor);
  reactor.teardown();
  log_debug("core {} stopped", core);
}

Status Engine::post(unsigned core, Task task) {
  if (core >= reactors_.size()) return make_error(Errc::invalid_argument, fmt::format("no core {}", core));
  Reactor* current = Reactor::current();
  if (current != nullptr && &current->engine() == this) return current->post(core, std::move(task));
  return reactors_[core]->post_external(std::move(task));
}

void Engine::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  cv_.notify_all();
  for (auto& reactor : reactors_) reactor->request_stop();
  if (stop_fd_ >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t written = ::write(stop_fd_, &one, sizeof one);
  }
}

void Engine::wait() {
  if (signal_fd_ >= 0) {
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    while (true) {
      const int rc = ::poll(fds, 2, -1);
      if (rc < 0 && errno == EINTR) continue;
      if (rc < 0) {
        log_error("engine: poll failed: {}", std::strerror(errno));
        break;
      }
      if (fds[0].revents & POLLIN) {
        signalfd_siginfo info{};
        [[maybe_unused]] ssize_t got = ::read(signal_fd_, &info, sizeof info);
        log_info("engine: received signal {}, stopping", info.ssi_signo);
        break;
      }
      if (fds[1].revents & POLLIN) break;
    }
  } else {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return stop_requested_; });
  }
  stop();
  join();
}

void Engine::join() {
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
}

}  // namespace ringmq::reactor
