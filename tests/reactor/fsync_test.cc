// Reactor::fsync: IORING_OP_FSYNC submissions with a completion callback on the core.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

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
    REQUIRE(st.ok());
    CHECK(r.fsyncs_in_flight() == 1);
  }).ok());
  engine.wait();
  CHECK(result.load() == 0);
  CHECK(same_core.load());
}

TEST_CASE("reactor: fsync reports the kernel's error for a descriptor that cannot sync") {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  Engine engine(EngineOptions{.cores = 1, .pin_threads = false});
  std::atomic<int> result{1};
  REQUIRE(engine.start([&](Reactor& r) {
    REQUIRE(r.fsync(pipe_fds[0], 0, 0, false, [&](int res) {
      result = res;
      Reactor::current()->engine().stop();
    }).ok());
  }).ok());
  engine.wait();
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
      REQUIRE(r.fsync(file.fd, 0, 0, true, [&](int) {
        if (++completed == static_cast<int>(kFsyncsInFlightMax)) Reactor::current()->engine().stop();
      }).ok());
    }
    auto st = r.fsync(file.fd, 0, 0, true, [](int) {});
    refused_busy = !st.ok() && st.error().code == Errc::busy;
  }).ok());
  engine.wait();
  CHECK(refused_bad.load());
  CHECK(refused_busy.load());
  CHECK(completed.load() == static_cast<int>(kFsyncsInFlightMax));
}
