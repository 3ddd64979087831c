// Connections end to end: accept on every core (SO_REUSEPORT), multishot recv, batched sends,
// outgoing connects, borrowed sends, peers that vanish, shutdown with open connections.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "core_check.h"
#include "reactor/engine.h"

using namespace ringmq;
using namespace ringmq::reactor;

namespace {

// Echoes length-prefixed frames (u32 length + payload) whole, so a frame cut short by a vanishing
// peer is never echoed. One instance per core, touched by that core only (counters are atomics
// because the test thread reads them).
class FrameEcho : public ConnectionHandler {
 public:
  void on_open(Connection&) override { ++opened; }
  void on_data(Connection& conn, Bytes data) override {
    std::string& buffer = partial_[conn.id().value];
    buffer.append(reinterpret_cast<const char*>(data.data()), data.size());
    std::size_t pos = 0;
    while (buffer.size() - pos >= 4) {
      const std::size_t length = load_be32(buffer.data() + pos);
      if (buffer.size() - pos < 4 + length) break;
      const std::string_view frame(buffer.data() + pos, 4 + length);
      if (frame.substr(4) == "close-me") {
        conn.close(make_error(Errc::closed, "asked to"));
        return;
      }
      CORE_CHECK(conn.send(as_bytes(frame)).ok());
      pos += 4 + length;
    }
    buffer.erase(0, pos);
  }
  void on_close(Connection& conn, const Error&) override {
    partial_.erase(conn.id().value);
    ++closed;
  }

  std::atomic<int> opened{0};
  std::atomic<int> closed{0};

 private:
  std::unordered_map<std::uint64_t, std::string> partial_;
};

struct Server {
  explicit Server(unsigned cores) : Server(EngineOptions{.cores = cores}) {}
  explicit Server(EngineOptions options) : handlers(options.cores), engine(options) {}
  // Stops the cores first so every check made on them is in before it is reported here.
  ~Server() {
    engine.stop();
    engine.join();
    CHECK_CORE_CHECKS();
  }

  void start() {
    auto sockets = open_listen_sockets("127.0.0.1", 0, engine.core_count());
    REQUIRE(sockets.ok());
    port = sockets->port;
    std::vector<int> fds;
    for (std::size_t i = 0; i < sockets->fds.size(); ++i) fds.push_back(sockets->release(i));
    REQUIRE(engine.start([this, fds](Reactor& r) { CORE_CHECK(r.listen(fds[r.core()], handlers[r.core()]).ok()); }).ok());
  }
  int opened() const {
    int n = 0;
    for (const auto& h : handlers) n += h.opened;
    return n;
  }
  int closed() const {
    int n = 0;
    for (const auto& h : handlers) n += h.closed;
    return n;
  }

  std::vector<FrameEcho> handlers;
  Engine engine;  // after handlers: destroyed (stopped, joined) before them
  std::uint16_t port = 0;
};

template <typename Pred>
bool wait_until(Pred pred, int timeout_ms = 10000) {
  const std::int64_t deadline = monotonic_ms() + timeout_ms;
  while (!pred()) {
    if (monotonic_ms() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

int connect_client(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string read_exact(int fd, std::size_t n) {
  std::string out(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::recv(fd, out.data() + got, n - got, 0);
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  out.resize(got);
  return out;
}

std::string frame(std::string_view payload) {
  std::string out(4, '\0');
  store_be32(out.data(), static_cast<std::uint32_t>(payload.size()));
  out.append(payload);
  return out;
}

std::string payload_for(int client, int round, std::size_t size) {
  std::string p(size, '\0');
  for (std::size_t i = 0; i < size; ++i) p[i] = static_cast<char>('a' + (client * 7 + round * 3 + i) % 26);
  return p;
}

// Core 0's count of idle polls that caught work, read on that core.
std::uint64_t polls_caught(Engine& engine) {
  std::atomic<std::int64_t> caught{-1};
  REQUIRE(engine.post(0, [&] { caught = static_cast<std::int64_t>(Reactor::current()->stats().idle_polls_caught); }).ok());
  REQUIRE(wait_until([&] { return caught.load() >= 0; }));
  return static_cast<std::uint64_t>(caught.load());
}

bool echo_once(int fd, std::string_view payload) {
  const std::string f = frame(payload);
  return write_all(fd, f) && read_exact(fd, f.size()) == f;
}

}  // namespace

TEST_CASE("connection: 300 clients echo through two cores") {
  Server server(2);
  server.start();
  constexpr int kThreads = 4, kPerThread = 75, kRounds = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      std::vector<int> fds;
      for (int i = 0; i < kPerThread; ++i) fds.push_back(connect_client(server.port));
      for (int round = 0; round < kRounds; ++round) {
        std::vector<std::string> sent;
        for (int i = 0; i < kPerThread; ++i) {
          sent.push_back(frame(payload_for(t * kPerThread + i, round, 64 + (i * 131 + round * 977) % 20000)));
          if (!write_all(fds[i], sent.back())) ++failures;
        }
        for (int i = 0; i < kPerThread; ++i)
          if (read_exact(fds[i], sent[i].size()) != sent[i]) ++failures;
      }
      for (int fd : fds) ::close(fd);
    });
  }
  for (auto& c : clients) c.join();
  CHECK(failures == 0);
  CHECK(wait_until([&] { return server.closed() == kThreads * kPerThread; }));
  CHECK(server.opened() == kThreads * kPerThread);
  // SO_REUSEPORT spreads 300 connections over both cores.
  CHECK(server.handlers[0].opened > 0);
  CHECK(server.handlers[1].opened > 0);
}

TEST_CASE("connection: with idle polling on, echoes, timers and external posts are all still served") {
  // Polling must hand over every kind of wake-up a sleeping core gets: network completions (which a
  // DEFER_TASKRUN ring posts only when polled), expiring timers and posts from other threads.
  Server server(EngineOptions{.cores = 1, .idle_poll_ns = kIdlePollNsMax});
  server.start();
  const int fd = connect_client(server.port);
  for (int round = 0; round < 200; ++round) {
    CHECK(echo_once(fd, payload_for(0, round, 1 + round * 37 % 3000)));
    // Pauses longer than the poll make the core sleep between some rounds.
    if (round % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::close(fd);
  // Each round's send completion and next request arrive inside the 1 ms poll, so polls must have
  // caught work (with polling off, or a poll that never returns true, the count stays 0). The
  // accept and the read below may each have been caught too, hence "more than 2". Whether a poll
  // sees a receive without io_uring_get_events is not told apart here: removing that call still
  // passed (the send completions alone are caught).
  const std::uint64_t caught_before = polls_caught(server.engine);
  CHECK(caught_before > 2);
  std::atomic<int> timers_fired{0};
  std::atomic<int> posts_run{0};
  REQUIRE(server.engine
              .post(0, [&] {
                for (int i = 1; i <= 3; ++i)
                  CORE_CHECK(Reactor::current()->add_timer(i, [&] { ++timers_fired; }).ok());
              })
              .ok());
  for (int i = 0; i < 100; ++i) {
    REQUIRE(server.engine.post(0, [&] { ++posts_run; }).ok());
    if (i % 10 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(wait_until([&] { return timers_fired.load() == 3 && posts_run.load() == 100; }));
}

TEST_CASE("connection: a peer vanishing mid-frame is closed and the others are still served") {
  Server server(2);
  server.start();
  const int steady = connect_client(server.port);
  REQUIRE(echo_once(steady, "before"));
  for (bool reset : {false, true}) {
    const int vanishing = connect_client(server.port);
    std::string partial = frame(std::string(1000, 'x')).substr(0, 10);
    REQUIRE(write_all(vanishing, partial));
    if (reset) {
      linger lg{1, 0};  // close with RST instead of FIN
      ::setsockopt(vanishing, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    ::close(vanishing);
    CHECK(echo_once(steady, "between"));
  }
  CHECK(wait_until([&] { return server.closed() == 2; }));
  CHECK(echo_once(steady, std::string(100000, 'z')));
  ::close(steady);
  CHECK(wait_until([&] { return server.closed() == 3; }));
}

TEST_CASE("connection: the server closes one connection, the client sees EOF, on_close runs once") {
  Server server(1);
  server.start();
  const int fd = connect_client(server.port);
  REQUIRE(echo_once(fd, "hello"));
  REQUIRE(write_all(fd, frame("close-me")));
  char byte;
  CHECK(::recv(fd, &byte, 1, 0) == 0);
  CHECK(wait_until([&] { return server.closed() == 1; }));
  ::close(fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(server.closed() == 1);
}

namespace {
// Client side of an outgoing connection: records what comes back; core-local.
class Collector : public ConnectionHandler {
 public:
  void on_data(Connection&, Bytes data) override { received.append(as_string_view(data)); }
  void on_close(Connection&, const Error&) override { ++closed; }
  std::string received;
  int closed = 0;
};
}  // namespace

TEST_CASE("connection: outgoing connect, borrowed send completion, refused connect") {
  Server server(1);
  server.start();
  Engine client(EngineOptions{.cores = 1});
  Collector collector;
  static const std::string kBorrowed = frame(std::string(300000, 'b'));  // outlives the send
  std::atomic<bool> borrowed_done{false}, refused{false}, echoed{false};
  std::atomic<int> refused_code{-1};
  // A port nobody listens on: bind an ephemeral one and close it.
  auto spare = open_listen_sockets("127.0.0.1", 0, 1);
  REQUIRE(spare.ok());
  const std::uint16_t dead_port = spare->port;
  ::close(spare->release(0));

  REQUIRE(client.start([&](Reactor& r) {
    auto address = resolve_address("127.0.0.1", server.port);
    if (!CORE_CHECK(address.ok())) return;
    CORE_CHECK(r.connect(*address, collector, [&](Result<ConnectionId> id) {
      if (!CORE_CHECK(id.ok())) return;
      Connection* conn = r.find(*id);
      if (!CORE_CHECK(conn != nullptr)) return;
      CORE_CHECK(conn->is_outgoing());
      if (!CORE_CHECK(conn->send(as_bytes(frame("small"))).ok())) return;
      if (!CORE_CHECK(conn->send_borrowed(as_bytes(kBorrowed), [&](const Status& s) { borrowed_done = s.ok(); }).ok()))
        return;
      auto poll = std::make_shared<TimerId>();
      auto t = r.add_periodic_timer(1, [&, poll] {
        if (collector.received.size() == frame("small").size() + kBorrowed.size()) {
          echoed = collector.received == frame("small") + kBorrowed;
          r.cancel_timer(*poll);
        }
      });
      if (!CORE_CHECK(t.ok())) return;
      *poll = *t;
    }).ok());
    auto dead = resolve_address("127.0.0.1", dead_port);
    if (!CORE_CHECK(dead.ok())) return;
    CORE_CHECK(r.connect(*dead, collector, [&](Result<ConnectionId> id) {
      refused = !id.ok();
      if (!id.ok()) refused_code = id.error().sys_errno;
    }).ok());
  }).ok());
  CHECK(wait_until([&] { return echoed.load() && refused.load(); }));
  CHECK(borrowed_done);
  CHECK(refused_code == ECONNREFUSED);
  client.stop();
  client.join();
  CHECK_CORE_CHECKS();
  CHECK(collector.closed == 1);  // shutdown closed the outgoing connection, told once
  CHECK(wait_until([&] { return server.closed() == 1; }));
}

TEST_CASE("connection: stopping the engine closes open connections and listeners") {
  Server server(2);
  server.start();
  std::vector<int> fds;
  for (int i = 0; i < 20; ++i) fds.push_back(connect_client(server.port));
  for (int fd : fds) REQUIRE(echo_once(fd, "up"));
  server.engine.stop();
  server.engine.join();
  CHECK(server.closed() == 20);
  for (int fd : fds) {
    char byte;
    CHECK(::recv(fd, &byte, 1, 0) == 0);
    ::close(fd);
  }
  // The listeners are gone too.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server.port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0);
  ::close(fd);
}

TEST_CASE("connection: receiving continues after the provided buffers run out (ENOBUFS re-arm)") {
  // Four 4 KiB buffers for a core fed megabytes at once: the multishot recv runs dry repeatedly.
  Server server(EngineOptions{.cores = 1, .recv_buffers = RecvBufferConfig{.count = 4, .bytes = 4096}});
  server.start();
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      const int fd = connect_client(server.port);
      if (!echo_once(fd, payload_for(t, 0, 1024 * 1024))) ++failures;
      ::close(fd);
    });
  }
  for (auto& c : clients) c.join();
  CHECK(failures == 0);
  CHECK(wait_until([&] { return server.closed() == 4; }));
  server.engine.stop();
  server.engine.join();
  const ReactorStats& stats = server.engine.reactor(0).stats();  // the core thread has ended
  MESSAGE("recv re-armed after ENOBUFS: " << stats.recv_rearmed_after_enobufs);
  CHECK(stats.recv_rearmed_after_enobufs > 0);
  CHECK(stats.accepted == 4);
  CHECK(stats.closed == 4);
}

TEST_CASE("engine: a receive buffer count that is not a power of two is refused") {
  Engine engine(EngineOptions{.cores = 1, .recv_buffers = RecvBufferConfig{.count = 3}});
  auto started = engine.start();
  REQUIRE_FALSE(started.ok());
  CHECK(started.error().code == Errc::invalid_argument);
}

TEST_CASE("connection: borrowed sends past the threshold go zero-copy, arrive intact, and finish once") {
  // Loopback peers get copies by default: nothing goes zero-copy without zerocopy_to_loopback.
  {
    Server server(1);
    server.start();
    Engine client(EngineOptions{.cores = 1, .zerocopy_send_min_bytes = 1});
    static const std::string kBig = frame(std::string(200000, 'z'));
    std::atomic<bool> done{false};
    Collector collector;
    REQUIRE(client.start([&collector, &done, port = server.port](Reactor& r) {
      auto address = resolve_address("127.0.0.1", port);
      if (!address.ok()) return;
      (void)r.connect(*address, collector, [&r, &done](Result<ConnectionId> id) {
        if (!id.ok()) return;
        (void)r.find(*id)->send_borrowed(as_bytes(kBig), [&done](const Status&) { done = true; });
      });
    }).ok());
    CHECK(wait_until([&] { return done.load(); }));
    std::atomic<std::uint64_t> zero_copy_sends{1};
    std::atomic<bool> read{false};
    REQUIRE(client.post(0, [&] {
      zero_copy_sends = Reactor::current()->stats().zero_copy_sends;
      read = true;
    }).ok());
    CHECK(wait_until([&] { return read.load(); }));
    CHECK(zero_copy_sends == 0);
    client.stop();
    client.join();
  }
  for (const std::size_t threshold : {std::size_t{64 * 1024}, std::size_t{0}}) {
    CAPTURE(threshold);
    Server server(1);
    server.start();
    // This test's peer is loopback, where the engine copies unless told otherwise (limits.h).
    Engine client(EngineOptions{.cores = 1, .zerocopy_send_min_bytes = threshold, .zerocopy_to_loopback = true});
    // Everything the core's callbacks touch, behind one pointer (task captures are small).
    struct State {
      Collector collector;
      std::vector<std::string> frames;  // outlive the sends
      std::string expected;
      std::atomic<int> done_ok{0}, done_calls{0};
      std::atomic<bool> echoed{false};
    } st;
    constexpr int kFrames = 40;
    for (int i = 0; i < kFrames; ++i) {
      st.frames.push_back(frame(payload_for(i, 1, 150000 + static_cast<std::size_t>(i) * 1000)));
      st.expected += frame("small") + st.frames.back();
    }
    State* s = &st;
    REQUIRE(client.start([s, port = server.port](Reactor& r) {
      auto address = resolve_address("127.0.0.1", port);
      if (!address.ok()) return;
      (void)r.connect(*address, s->collector, [s, &r](Result<ConnectionId> id) {
        if (!id.ok()) return;
        Connection* conn = r.find(*id);
        for (const std::string& f : s->frames) {
          (void)conn->send(as_bytes(frame("small")));  // owned bytes between borrowed ones
          (void)conn->send_borrowed(as_bytes(f), [s](const Status& status) {
            ++s->done_calls;
            if (status.ok()) ++s->done_ok;
          });
        }
        auto poll = std::make_shared<TimerId>();
        auto t = r.add_periodic_timer(1, [s, &r, poll] {
          if (s->collector.received.size() >= s->expected.size()) {
            s->echoed = s->collector.received == s->expected;
            r.cancel_timer(*poll);
          }
        });
        if (t.ok()) *poll = *t;
      });
    }).ok());
    CHECK(wait_until([&] { return st.echoed.load(); }));
    // Every callback runs once, after the kernel let go of the memory (a notification may trail
    // the echo a little).
    CHECK(wait_until([&] { return st.done_calls.load() == kFrames; }));
    std::atomic<std::uint64_t> zero_copy_sends{0};
    std::atomic<std::size_t> in_flight{1};
    std::atomic<bool> read{false};
    REQUIRE(client.post(0, [&] {
      zero_copy_sends = Reactor::current()->stats().zero_copy_sends;
      in_flight = Reactor::current()->zero_copy_sends_in_flight();
      read = true;
    }).ok());
    CHECK(wait_until([&] { return read.load(); }));
    CHECK(st.done_ok == kFrames);
    CHECK(in_flight == 0);
    if (threshold > 0) {
      CHECK(zero_copy_sends > 0);
    } else {
      CHECK(zero_copy_sends == 0);
    }
    client.stop();
    client.join();
  }
}
