// Shared fixtures of the rpc tests: a RemotingServer per core of a 2-core engine with a few test
// handlers, and blocking-socket helpers for hand-built frames.
#pragma once

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "core_check.h"
#include "reactor/engine.h"
#include "remoting/codec.h"
#include "rpc/remoting_client.h"
#include "rpc/remoting_server.h"

namespace rpc_test {

using namespace ringmq;
using ringmq::remoting::RemotingCommand;
using ringmq::remoting::SerializeType;

// Request codes the test server understands (anything else is unknown to it).
inline constexpr std::int32_t kEcho = 100;            // replies at once: body and ext "k" echoed
inline constexpr std::int32_t kPark = 101;            // never replies
inline constexpr std::int32_t kDeferred = 102;        // replies 50 ms later
inline constexpr std::int32_t kCloseMe = 103;         // the server closes the connection
inline constexpr std::int32_t kAskClientBack = 104;   // server calls the client (kClientHello) first
inline constexpr std::int32_t kDeferredSlow = 105;    // replies 300 ms later, records the outcome
inline constexpr std::int32_t kBorrowedBody = 106;    // replies with a body sent from caller-owned memory
inline constexpr std::int32_t kBorrowedSlices = 107;  // the same, in three slices of borrowed_body (one frame)
inline constexpr std::int32_t kClientHello = 200;     // served by the client side
inline constexpr std::int32_t kUnknown = 9999;

struct CoreState {
  std::unique_ptr<rpc::RemotingServer> server;
  std::vector<rpc::ReplyContext> parked;
};

class TestServer {
 public:
  TestServer() : cores_(2), engine_(reactor::EngineOptions{.cores = 2}) {}
  // Stops the cores first so every check made on them (CORE_CHECK) is in before it is reported.
  ~TestServer() {
    engine_.stop();
    engine_.join();
    CHECK_CORE_CHECKS();
  }

  void start() {
    auto sockets = reactor::open_listen_sockets("127.0.0.1", 0, 2);
    REQUIRE(sockets.ok());
    port = sockets->port;
    std::vector<int> fds{sockets->release(0), sockets->release(1)};
    REQUIRE(engine_.start(
        [this, fds](reactor::Reactor& r) {
          CoreState& core = cores_[r.core()];
          core.server = std::make_unique<rpc::RemotingServer>(r);
          register_handlers(r, core);
          CORE_CHECK(core.server->listen(fds[r.core()]).ok());
        },
        [this](reactor::Reactor& r) {
          cores_[r.core()].parked.clear();
          cores_[r.core()].server.reset();
        }).ok());
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
  // Runs `fn(server)` on `core` and waits for it (requests handed over in-process).
  template <typename Fn>
  void on_core(unsigned core, Fn fn) {
    std::promise<void> done;
    REQUIRE(engine_.post(core, [this, core, &fn, &done] {
      fn(*cores_[core].server);
      done.set_value();
    }).ok());
    REQUIRE(done.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  }
  // The slices a kBorrowedSlices reply sends, in order: pieces of borrowed_body, not adjacent.
  std::vector<Bytes> borrowed_slices() const {
    const Bytes all = as_bytes(borrowed_body);
    return {all.subspan(0, 1000), all.subspan(4096, 70000), all.subspan(200000, 3)};
  }

  std::uint16_t port = 0;
  // Outcome of the last kDeferredSlow reply: -1 pending, 0 sent, else 1 + Errc.
  std::atomic<int> slow_reply_outcome{-1};
  // Memory a kBorrowedBody reply sends without copying, like a mapped CommitLog slice.
  std::string borrowed_body = std::string(1 << 20, 'm');
  std::atomic<int> borrowed_done{0};
  std::atomic<int> slices_released{0};  // kBorrowedSlices replies whose `keep` was let go

 private:
  void register_handlers(reactor::Reactor& r, CoreState& core) {
    rpc::RemotingServer& server = *core.server;
    server.register_handler(kEcho, [](RemotingCommand req, rpc::ReplyContext reply) {
      RemotingCommand response;
      response.code = 0;
      response.body = req.body;
      if (auto k = req.ext_fields.get("k")) response.ext_fields.set("k", *k);
      CORE_CHECK(reply.reply(std::move(response)).ok());
    });
    server.register_handler(kPark, [&core](RemotingCommand, rpc::ReplyContext reply) {
      core.parked.push_back(std::move(reply));
    });
    server.register_handler(kDeferred, [&r](RemotingCommand req, rpc::ReplyContext reply) {
      auto parked = std::make_shared<rpc::ReplyContext>(std::move(reply));
      auto body = std::make_shared<std::string>(req.body);
      CORE_CHECK(r.add_timer(50, [parked, body] {
        RemotingCommand response;
        response.body = "later:" + *body;
        CORE_CHECK(parked->reply(std::move(response)).ok());
      }).ok());
    });
    server.register_handler(kCloseMe, [&server](RemotingCommand, rpc::ReplyContext reply) {
      server.close(reply.connection(), make_error(Errc::closed, "asked to close"));
    });
    server.register_handler(kAskClientBack, [&server](RemotingCommand req, rpc::ReplyContext reply) {
      auto parked = std::make_shared<rpc::ReplyContext>(std::move(reply));
      RemotingCommand hello = RemotingCommand::request(kClientHello, req.serialize_type);
      hello.body = "hello from server";
      Status sent = server.invoke(parked->connection(), std::move(hello), 2000,
                                  [parked](Result<RemotingCommand> answer) {
                                    RemotingCommand response;
                                    response.code = answer.ok() ? 0 : 1;
                                    response.body = answer.ok() ? answer->body : answer.error().to_string();
                                    CORE_CHECK(parked->reply(std::move(response)).ok());
                                  });
      CORE_CHECK(sent.ok());
    });
    server.register_handler(kBorrowedBody, [this](RemotingCommand, rpc::ReplyContext reply) {
      RemotingCommand header;
      header.remark = "borrowed";
      CORE_CHECK(reply.reply_borrowed(std::move(header), as_bytes(borrowed_body), [this](const Status& s) {
        if (s.ok()) ++borrowed_done;
      }).ok());
    });
    server.register_handler(kBorrowedSlices, [this](RemotingCommand, rpc::ReplyContext reply) {
      RemotingCommand header;
      header.remark = "slices";
      // `keep` stands for the pinned CommitLog segments; its deleter says when they are let go.
      std::shared_ptr<const void> keep(static_cast<const void*>(this), [this](const void*) { ++slices_released; });
      const std::vector<Bytes> slices = borrowed_slices();
      CORE_CHECK(reply.reply_borrowed(std::move(header), slices, std::move(keep)).ok());
    });
    server.register_handler(kDeferredSlow, [this, &r](RemotingCommand, rpc::ReplyContext reply) {
      auto parked = std::make_shared<rpc::ReplyContext>(std::move(reply));
      CORE_CHECK(r.add_timer(300, [this, parked] {
        Status s = parked->reply(0, std::string("slow"));
        slow_reply_outcome = s.ok() ? 0 : 1 + static_cast<int>(s.error().code);
      }).ok());
    });
  }

  std::vector<CoreState> cores_;
  reactor::Engine engine_;  // last: destroyed (stopped, joined) first, while cores_ still exists
};

inline int connect_raw(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

inline bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

inline bool read_exact(int fd, std::string& out, std::size_t n) {
  out.resize(n);
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::recv(fd, out.data() + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<std::size_t>(r);
  }
  return true;
}

// Reads one whole frame and decodes it.
inline Result<RemotingCommand> read_frame(int fd) {
  std::string prefix, rest;
  if (!read_exact(fd, prefix, 4)) return make_error(Errc::closed, "no frame");
  const std::uint32_t length = load_be32(prefix.data());
  if (!read_exact(fd, rest, length)) return make_error(Errc::closed, "short frame");
  const std::string frame = prefix + rest;
  return remoting::decode_frame(as_bytes(frame));
}

// True once the server has closed `fd` (EOF or reset) within the receive timeout.
inline bool closed_by_peer(int fd) {
  char buf[256];
  while (true) {
    const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r == 0) return true;
    if (r < 0) return errno == ECONNRESET;
  }
}

// A frame built by hand: length prefix, header spec (type << 24 | header length), header, body.
inline std::string raw_frame(std::uint8_t type, std::string_view header, std::string_view body = {}) {
  std::string out(8, '\0');
  store_be32(out.data(), static_cast<std::uint32_t>(4 + header.size() + body.size()));
  store_be32(out.data() + 4, (static_cast<std::uint32_t>(type) << 24) | static_cast<std::uint32_t>(header.size()));
  out.append(header);
  out.append(body);
  return out;
}

inline std::string json_request(std::int32_t code, std::int32_t opaque, std::int32_t flag) {
  return raw_frame(0, "{\"code\":" + std::to_string(code) + ",\"extFields\":{\"k\":\"v\"},\"flag\":" +
                          std::to_string(flag) + ",\"language\":\"JAVA\",\"opaque\":" + std::to_string(opaque) +
                          ",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":409}");
}

// ROCKETMQ binary header (§1.5): code i16, language i8, version i16, opaque i32, flag i32,
// remark length i32 + bytes, ext length i32 + (key length i16, key, value length i32, value)*.
inline std::string rocketmq_request(std::int16_t code, std::int32_t opaque, std::int32_t flag) {
  std::string header;
  ByteWriter w(header);
  w.i16(code);
  w.u8(0);  // JAVA
  w.i16(409);
  w.i32(opaque);
  w.i32(flag);
  w.i32(0);  // no remark
  w.i32(2 + 1 + 4 + 1);
  w.i16(1);
  w.bytes(std::string_view("k"));
  w.i32(1);
  w.bytes(std::string_view("v"));
  return raw_frame(1, header);
}

template <typename Pred>
bool wait_until(Pred pred, int timeout_ms = 10000) {
  const std::int64_t deadline = monotonic_ms() + timeout_ms;
  while (!pred()) {
    if (monotonic_ms() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace rpc_test
