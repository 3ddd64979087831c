// Reactor::fsync: IORING_OP_FSYNC submissions (and the background lane's SCHED_IDLE syncer) with
// a completion callback on the core.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "core_check.h"
#include "reactor/background_syncer.h"
#include "reactor/engine.h"

using namespace ringmq;
using namespace ringmq::reactor;

namespace {
struct TempFile {
  std::string path;
  int fd = -1;
  TempFile() {
    char name[] = "/tmp/ringmq-fsync-XXXXXX";
    fd = ::mkstemp(name);
    path = name;
  }
  ~TempFile() {
    if (fd >= 0) ::close(fd);
    ::unlink(path.c_str());
  }
};
}  // namespace

TEST_CASE("reactor: fsync of a written range completes with 0 on the submitting core") {
  TempFile file;
  REQUIRE(file.fd >= 0);
  const std::string data(64 * 1024, 'x');
  REQUIRE(::pwrite(file.fd, data.data(), data.size(), 0) == static_cast<ssize_t>(data.size()));
  Engine engine(EngineOptions{.cores = 1, .pin_threads = false});
  std::atomic<int> result{1};
  std::atomic<bool> same_core{false};
  REQUIRE(engine.start([&](Reactor& r) {
    auto st = r.fsync(file.fd, 4096, 16 * 1024, /*datasync=*/true, [&, core = r.core()](int res) {
      same_core = Reactor::current() != nullptr && Reactor::current()->core() == core;
      result = res;
      Reactor::current()->engine().stop();
    });
    if (!CORE_CHECK(st.ok())) return r.engine().stop();  // no completion would stop it
    CORE_CHECK(r.fsyncs_in_flight() == 1);
  }).ok());
  engine.wait();
  CHECK_CORE_CHECKS();
  CHECK(result.load() == 0);
  CHECK(same_core.load());
}

TEST_CASE("reactor: fsync reports the kernel's error for a descriptor that cannot sync") {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  Engine engine(EngineOptions{.cores = 1, .pin_threads = false});
  std::atomic<int> result{1};
  REQUIRE(engine.start([&](Reactor& r) {
    if (!CORE_CHECK(r.fsync(pipe_fds[0], 0, 0, false, [&](int res) {
          result = res;
          Reactor::current()->engine().stop();
        }).ok()))
      r.engine().stop();
  }).ok());
  engine.wait();
  CHECK_CORE_CHECKS();
  CHECK(result.load() < 0);  // EINVAL: a pipe has no fsync
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST_CASE("reactor: fsync refuses a negative range and past the in-flight limit says busy") {
  TempFile file;
  Engine engine(EngineOptions{.cores = 1, .pin_threads = false});
  std::atomic<int> completed{0};
  std::atomic<bool> refused_bad{false}, refused_busy{false};
  REQUIRE(engine.start([&](Reactor& r) {
    refused_bad = r.fsync(file.fd, -1, 0, true, [](int) {}).error().code == Errc::invalid_argument;
    for (std::size_t i = 0; i < kFsyncsInFlightMax; ++i) {
      if (!CORE_CHECK(r.fsync(file.fd, 0, 0, true, [&](int) {
            if (++completed == static_cast<int>(kFsyncsInFlightMax)) Reactor::current()->engine().stop();
          }).ok()))
        return r.engine().stop();
    }
    auto st = r.fsync(file.fd, 0, 0, true, [](int) {});
    refused_busy = !st.ok() && st.error().code == Errc::busy;
  }).ok());
  engine.wait();
  CHECK_CORE_CHECKS();
  CHECK(refused_bad.load());
  CHECK(refused_busy.load());
  CHECK(completed.load() == static_cast<int>(kFsyncsInFlightMax));
}

TEST_CASE("reactor: a background fsync runs on an idle-priority thread and completes on the submitting core") {
  TempFile file;
  REQUIRE(file.fd >= 0);
  const std::string data(64 * 1024, 'y');
  REQUIRE(::pwrite(file.fd, data.data(), data.size(), 0) == static_cast<ssize_t>(data.size()));
  Engine engine(EngineOptions{.cores = 1, .pin_threads = false});
  std::atomic<int> ok_result{1}, bad_result{1}, completed{0};
  std::atomic<bool> same_core{true};
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  REQUIRE(engine.start([&](Reactor& r) {
    auto on_done = [&, core = r.core()](std::atomic<int>& into) {
      return [&into, &same_core, &completed, core](int res) {
        if (Reactor::current() == nullptr || Reactor::current()->core() != core) same_core = false;
        into = res;
        if (++completed == 2) Reactor::current()->engine().stop();
      };
    };
    if (!CORE_CHECK(r.fsync(file.fd, 0, 0, true, on_done(ok_result), FsyncLane::background).ok()) ||
        !CORE_CHECK(r.fsync(pipe_fds[0], 0, 0, true, on_done(bad_result), FsyncLane::background).ok()))
      return r.engine().stop();
    CORE_CHECK(r.fsyncs_in_flight() == 2);
  }).ok());
  engine.wait();
  CHECK_CORE_CHECKS();
  CHECK(ok_result.load() == 0);
  CHECK(bad_result.load() < 0);  // EINVAL: a pipe has no fsync
  CHECK(same_core.load());
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST_CASE("reactor: BackgroundSyncer runs its jobs at SCHED_IDLE, in order, and drains them when destroyed") {
  TempFile file;
  REQUIRE(file.fd >= 0);
  std::atomic<int> policy{-1};
  std::vector<int> order;
  std::mutex order_mutex;
  {
    BackgroundSyncer syncer("test-sync");
    for (int i = 0; i < 8; ++i) {
      syncer.submit({file.fd, true, [&, i](int res) {
        CORE_CHECK(res == 0);  // on the syncer's thread
        policy = sched_getscheduler(0);
        std::lock_guard lock(order_mutex);
        order.push_back(i);
      }});
    }
  }  // the destructor runs what is queued, then joins
  CHECK_CORE_CHECKS();
  CHECK(policy.load() == SCHED_IDLE);
  REQUIRE(order.size() == 8);
  for (int i = 0; i < 8; ++i) CHECK(order[static_cast<std::size_t>(i)] == i);
}
