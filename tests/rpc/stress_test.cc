// Stress: 16 threads share one RemotingClient connection (as `ringmq bench produce --threads 16`
// does) and send ROCKETMQ-encoded requests with 1 KiB bodies and per-request ext fields; the
// server (tiny provided receive buffers, so frames span many buffers and the ring runs dry with
// ENOBUFS) checks every field against the body's checksum. A byte mixed or shifted anywhere on the
// send queue or the receive/reassembly path shows up as a mismatch or a malformed frame.
#include "rpc_test_support.h"

#include <fmt/format.h>

#include <condition_variable>
#include <mutex>

using namespace rpc_test;

namespace {

constexpr std::int32_t kVerify = 300;

std::uint64_t fnv1a(std::string_view data) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string make_body(int thread, int seq) {
  std::string body(1024, '\0');
  std::uint64_t x = static_cast<std::uint64_t>(thread) * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(seq) + 1;
  for (char& c : body) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>('0' + (x % 10));  // digits: shifted bytes still look like numbers
  }
  return body;
}

struct StressServer {
  explicit StressServer(reactor::RecvBufferConfig buffers)
      : engine(reactor::EngineOptions{.cores = 2, .pin_threads = false, .recv_buffers = buffers}) {}
  ~StressServer() {
    engine.stop();
    engine.join();
    CHECK_CORE_CHECKS();
  }

  void start() {
    auto sockets = reactor::open_listen_sockets("127.0.0.1", 0, 2);
    REQUIRE(sockets.ok());
    port = sockets->port;
    std::vector<int> fds{sockets->release(0), sockets->release(1)};
    REQUIRE(engine.start(
        [this, fds](reactor::Reactor& r) {
          auto& server = servers[r.core()];
          server = std::make_unique<rpc::RemotingServer>(r);
          server->register_handler(kVerify, [this](RemotingCommand req, rpc::ReplyContext reply) {
            std::string problem;
            auto t = req.ext_fields.get_int32("t");
            auto s = req.ext_fields.get_int32("s");
            auto e = req.ext_fields.get_int32("e");
            auto c = req.ext_fields.get_string("c");
            if (!t.ok() || !s.ok() || !e.ok() || !c.ok()) {
              problem = "missing ext field";
            } else if (*e != *s % 8) {
              problem = fmt::format("queue id {} for seq {}", *e, *s);
            } else if (req.body != make_body(*t, *s)) {
              problem = fmt::format("body of t{} s{} differs", *t, *s);
            } else if (*c != std::to_string(fnv1a(req.body))) {
              problem = "checksum differs";
            }
            RemotingCommand response;
            response.code = problem.empty() ? 0 : 1;
            if (!problem.empty()) {
              ++bad;
              response.remark = problem;
            }
            response.ext_fields.set("s", std::to_string(s.ok() ? *s : -1));
            (void)reply.reply(std::move(response));
          });
          CORE_CHECK(server->listen(fds[r.core()]).ok());
        },
        [this](reactor::Reactor& r) { servers[r.core()].reset(); }).ok());
  }

  std::uint16_t port = 0;
  std::atomic<int> bad{0};
  std::unique_ptr<rpc::RemotingServer> servers[2];
  reactor::Engine engine;  // last: stopped first
};

struct StressClient {
  explicit StressClient(reactor::RecvBufferConfig buffers)
      : engine(reactor::EngineOptions{.cores = 1, .pin_threads = false, .recv_buffers = buffers}) {
    REQUIRE(engine.start([this](reactor::Reactor& r) { client = std::make_unique<rpc::RemotingClient>(r); },
                         [this](reactor::Reactor&) { client.reset(); })
                .ok());
  }
  std::unique_ptr<rpc::RemotingClient> client;
  reactor::Engine engine;
};

struct Waiter {
  std::mutex mutex;
  std::condition_variable cv;
  bool ready = false;
  Result<RemotingCommand> response = make_error(Errc::timeout, "none");
};

void run_stress(reactor::RecvBufferConfig server_buffers, reactor::RecvBufferConfig client_buffers, int per_thread) {
  StressServer server(server_buffers);
  server.start();
  StressClient client(client_buffers);
  const std::string address = "127.0.0.1:" + std::to_string(server.port);
  constexpr int kThreads = 16;
  std::atomic<int> failed{0}, ok{0};
  std::atomic<bool> stop{false};
  std::string first_error;
  std::mutex error_mutex;
  const std::int64_t deadline = monotonic_ms() + 15000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int seq = 0; seq < per_thread && !stop && monotonic_ms() < deadline; ++seq) {
        RemotingCommand request = RemotingCommand::request(kVerify, SerializeType::rocketmq);
        request.body = make_body(t, seq);
        request.ext_fields.append("t", std::to_string(t));
        request.ext_fields.append("s", std::to_string(seq));
        request.ext_fields.append("e", std::to_string(seq % 8));
        request.ext_fields.append("g", std::to_string(monotonic_ms()));
        request.ext_fields.append("c", std::to_string(fnv1a(request.body)));
        request.has_ext_fields = true;
        auto waiter = std::make_shared<Waiter>();
        struct Owner {
          std::unique_ptr<RemotingCommand> request;
        };
        Status posted = client.engine.post(
            0, [&client, &address, waiter, owner = Owner{std::make_unique<RemotingCommand>(std::move(request))}]() mutable {
              auto finish = [waiter](Result<RemotingCommand> r) {
                std::lock_guard lock(waiter->mutex);
                waiter->response = std::move(r);
                waiter->ready = true;
                waiter->cv.notify_one();
              };
              Status s = client.client->invoke(address, std::move(*owner.request), 5000, finish);
              if (!s.ok()) finish(s.take_error());
            });
        if (!posted.ok()) {
          ++failed;
          continue;
        }
        std::unique_lock lock(waiter->mutex);
        if (!waiter->cv.wait_for(lock, std::chrono::seconds(10), [&] { return waiter->ready; })) {
          ++failed;
          stop = true;
          break;
        }
        Result<RemotingCommand>& r = waiter->response;
        const bool good = r.ok() && r->code == 0 && r->ext_fields.get("s") == std::string_view(std::to_string(seq));
        if (good) {
          ++ok;
        } else {
          if (++failed == 1) {
            std::lock_guard elock(error_mutex);
            first_error = r.ok() ? fmt::format("code {} remark {} t{} s{}", r->code, r->remark.value_or(""), t, seq)
                                 : r.error().to_string();
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  INFO("first error: " << first_error);
  MESSAGE("ok " << ok.load() << " failed " << failed.load() << " server mismatches " << server.bad.load());
  CHECK(failed == 0);
  CHECK(server.bad == 0);
  CHECK(ok > 1000);
}

}  // namespace

TEST_CASE("stress: 16 threads on one connection, ROCKETMQ frames, tiny server receive buffers") {
  run_stress({.count = 8, .bytes = 512}, {}, 4000);
}

TEST_CASE("stress: 16 threads on one connection, default receive buffers") {
  run_stress({}, {}, 4000);
}

TEST_CASE("stress: 16 threads on one connection, tiny buffers on both sides") {
  run_stress({.count = 4, .bytes = 700}, {.count = 4, .bytes = 300}, 3000);
}
