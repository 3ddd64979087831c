// RemotingClient against RemotingServer: round trips, timeouts, deferred replies, calls from the
// server back to the client, closed connections.
#include "rpc_test_support.h"

#include <future>

using namespace rpc_test;

namespace {

// A one-core engine running a RemotingClient; calls are made on its core and waited for here.
class TestClient {
 public:
  TestClient() : engine_(reactor::EngineOptions{.cores = 1}) {
    REQUIRE(engine_.start(
        [this](reactor::Reactor& r) {
          client_ = std::make_unique<rpc::RemotingClient>(r);
          client_->register_handler(kClientHello, [](RemotingCommand req, rpc::ReplyContext reply) {
            RemotingCommand response;
            response.body = "client got: " + req.body;
            CORE_CHECK(reply.reply(std::move(response)).ok());
          });
        },
        [this](reactor::Reactor&) { client_.reset(); }).ok());
  }
  ~TestClient() {
    engine_.stop();
    engine_.join();
    CHECK_CORE_CHECKS();
  }

  // Runs `fn(client)` on the client core and waits for it.
  template <typename Fn>
  void on_core(Fn fn) {
    std::promise<void> done;
    REQUIRE(engine_.post(0, [this, &fn, &done] {
      fn(*client_);
      done.set_value();
    }).ok());
    REQUIRE(done.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CHECK_CORE_CHECKS();
  }

  // Starts a call on the client core; the future gets its outcome.
  std::future<Result<RemotingCommand>> call(std::string address, RemotingCommand request, std::int64_t timeout_ms) {
    auto promise = std::make_shared<std::promise<Result<RemotingCommand>>>();
    auto future = promise->get_future();
    on_core([&](rpc::RemotingClient& client) {
      Status s = client.invoke(address, std::move(request), timeout_ms,
                               [promise](Result<RemotingCommand> r) { promise->set_value(std::move(r)); });
      if (!s.ok()) promise->set_value(s.take_error());
    });
    return future;
  }

  Result<RemotingCommand> call_sync(std::string address, RemotingCommand request, std::int64_t timeout_ms = 3000) {
    auto future = call(std::move(address), std::move(request), timeout_ms);
    REQUIRE(future.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    return future.get();
  }

 private:
  std::unique_ptr<rpc::RemotingClient> client_;
  reactor::Engine engine_;  // last: destroyed (stopped, joined) first, while client_ still exists
};

RemotingCommand echo_request(std::string body, SerializeType type = SerializeType::json) {
  RemotingCommand request = RemotingCommand::request(kEcho, type);
  request.ext_fields.set("k", body.substr(0, 8));
  request.body = std::move(body);
  return request;
}

}  // namespace

TEST_CASE("remoting_client: a request and its response round trip in both serializations") {
  TestServer server;
  server.start();
  TestClient client;
  for (SerializeType type : {SerializeType::json, SerializeType::rocketmq}) {
    auto response = client.call_sync(server.address(), echo_request("hello world", type));
    REQUIRE(response.ok());
    CHECK(response->code == 0);
    CHECK(response->body == "hello world");
    CHECK(response->ext_fields.get("k") == std::string_view("hello wo"));
    CHECK(response->serialize_type == type);
  }
}

TEST_CASE("remoting_client: many concurrent calls on one connection are matched by opaque") {
  TestServer server;
  server.start();
  TestClient client;
  // Connected first: calls made while connecting are limited to kCallsWaitingForConnectMax.
  REQUIRE(client.call_sync(server.address(), echo_request("warm up")).ok());
  static constexpr int kCalls = 2000;
  std::vector<std::future<Result<RemotingCommand>>> futures;
  std::atomic<int> matched{0};
  auto promise = std::make_shared<std::promise<void>>();
  client.on_core([&](rpc::RemotingClient& c) {
    for (int i = 0; i < kCalls; ++i) {
      std::string body = "call-" + std::to_string(i) + std::string(static_cast<std::size_t>(i % 300), 'x');
      auto expected = std::make_shared<std::string>(body);
      Status s = c.invoke(server.address(), echo_request(body), 5000,
                          [&matched, expected, promise](Result<RemotingCommand> r) {
                            if (r.ok() && r->body == *expected) ++matched;
                            if (matched == kCalls) promise->set_value();
                          });
      CORE_CHECK(s.ok());
    }
  });
  REQUIRE(promise->get_future().wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  CHECK(matched == kCalls);
}

TEST_CASE("remoting_client: a call without an answer fails with timeout after its deadline") {
  TestServer server;
  server.start();
  TestClient client;
  REQUIRE(client.call_sync(server.address(), echo_request("warm up")).ok());  // connected
  const std::int64_t start = monotonic_ms();
  auto response = client.call_sync(server.address(), RemotingCommand::request(kPark), 150);
  const std::int64_t elapsed = monotonic_ms() - start;
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == Errc::timeout);
  CHECK(elapsed >= 150);
  CHECK(elapsed < 5000);
  // The connection is still good.
  CHECK(client.call_sync(server.address(), echo_request("after")).ok());
}

TEST_CASE("remoting_client: a handler that replies later is answered on the same connection") {
  TestServer server;
  server.start();
  TestClient client;
  RemotingCommand request = RemotingCommand::request(kDeferred);
  request.body = "ping";
  auto response = client.call_sync(server.address(), std::move(request));
  REQUIRE(response.ok());
  CHECK(response->body == "later:ping");
}

TEST_CASE("remoting_client: a deferred reply after the client disconnected is dropped safely") {
  TestServer server;
  server.start();
  TestClient client;
  auto pending = client.call(server.address(), RemotingCommand::request(kDeferredSlow), 5000);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  client.on_core([&](rpc::RemotingClient& c) { c.close(server.address()); });
  REQUIRE(pending.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  auto outcome = pending.get();
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == Errc::closed);
  // The server's timer fires later and finds the connection gone.
  REQUIRE(wait_until([&] { return server.slow_reply_outcome.load() != -1; }));
  CHECK(server.slow_reply_outcome == 1 + static_cast<int>(Errc::closed));
  // A new call dials again.
  CHECK(client.call_sync(server.address(), echo_request("again")).ok());
}

TEST_CASE("remoting_server: the server calls the client back on the client's own connection") {
  TestServer server;
  server.start();
  TestClient client;
  auto response = client.call_sync(server.address(), RemotingCommand::request(kAskClientBack));
  REQUIRE(response.ok());
  CHECK(response->code == 0);
  CHECK(response->body == "client got: hello from server");
}

TEST_CASE("remoting_client: pending calls fail with closed when the server drops the connection") {
  TestServer server;
  server.start();
  TestClient client;
  auto parked = client.call(server.address(), RemotingCommand::request(kPark), 5000);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto closer = client.call_sync(server.address(), RemotingCommand::request(kCloseMe), 5000);
  REQUIRE_FALSE(closer.ok());
  CHECK(closer.error().code == Errc::closed);
  REQUIRE(parked.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  auto outcome = parked.get();
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == Errc::closed);
  CHECK(client.call_sync(server.address(), echo_request("reconnected")).ok());
}

TEST_CASE("remoting_client: a call to a port nobody listens on fails with the connect error") {
  auto spare = reactor::open_listen_sockets("127.0.0.1", 0, 1);
  REQUIRE(spare.ok());
  const std::string dead = "127.0.0.1:" + std::to_string(spare->port);
  ::close(spare->release(0));
  TestClient client;
  auto response = client.call_sync(dead, echo_request("nobody"));
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().sys_errno == ECONNREFUSED);
  auto bad = client.call_sync("no-port-here", echo_request("x"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::invalid_argument);
}

TEST_CASE("remoting_client: oneway calls are sent and get no response") {
  TestServer server;
  server.start();
  TestClient client;
  client.on_core([&](rpc::RemotingClient& c) {
    CORE_CHECK(c.invoke_oneway(server.address(), RemotingCommand::request(kUnknown)).ok());
    CORE_CHECK(c.invoke_oneway(server.address(), echo_request("fire and forget")).ok());
  });
  auto response = client.call_sync(server.address(), echo_request("then a call"));
  REQUIRE(response.ok());
  CHECK(response->body == "then a call");
}

TEST_CASE("remoting_server: a reply body sent from caller-owned memory arrives whole and completes once") {
  TestServer server;
  server.start();
  TestClient client;
  for (int i = 0; i < 3; ++i) {
    auto response = client.call_sync(server.address(), RemotingCommand::request(kBorrowedBody));
    REQUIRE(response.ok());
    CHECK(response->remark == std::string("borrowed"));
    CHECK(response->body == server.borrowed_body);
  }
  CHECK(wait_until([&] { return server.borrowed_done.load() == 3; }));
}

TEST_CASE("remoting_server: a reply body in several borrowed slices arrives as one frame, and `keep` is let go") {
  TestServer server;
  server.start();
  TestClient client;
  std::string expected;
  for (const Bytes& slice : server.borrowed_slices()) {
    expected.append(reinterpret_cast<const char*>(slice.data()), slice.size());
  }
  for (int i = 0; i < 3; ++i) {
    auto response = client.call_sync(server.address(), RemotingCommand::request(kBorrowedSlices));
    REQUIRE(response.ok());
    CHECK(response->remark == std::string("slices"));
    CHECK(response->body == expected);
    // The connection still frames what follows: the body length matched what was sent.
    auto echo = client.call_sync(server.address(), echo_request("after"));
    REQUIRE(echo.ok());
    CHECK(echo->body == "after");
  }
  CHECK(wait_until([&] { return server.slices_released.load() == 3; }));
}

namespace {

// Replies captured by a ReplySink on a core, read here once the core is done with them.
struct CapturedReplies : rpc::ReplySink {
  std::vector<std::pair<RemotingCommand, std::string>> replies;  // (header, joined borrowed body)
  void on_reply(RemotingCommand response, std::span<const Bytes> borrowed) override {
    std::string body;
    for (const Bytes& b : borrowed) body.append(reinterpret_cast<const char*>(b.data()), b.size());
    replies.emplace_back(std::move(response), std::move(body));
  }
};

}  // namespace

TEST_CASE("remoting_server: a request handed over in-process is answered into its ReplySink, no connection involved") {
  TestServer server;
  server.start();
  CapturedReplies sink;
  server.on_core(1, [&](rpc::RemotingServer& s) {
    RemotingCommand echo = echo_request("in process");
    echo.opaque = 7;
    CORE_CHECK(s.dispatch_in_process(std::move(echo), sink).ok());
    RemotingCommand slices = RemotingCommand::request(kBorrowedSlices);
    slices.opaque = 8;
    CORE_CHECK(s.dispatch_in_process(std::move(slices), sink).ok());
    const Status unknown = s.dispatch_in_process(RemotingCommand::request(kUnknown), sink);
    CORE_CHECK(!unknown.ok() && unknown.error().code == Errc::not_found);
    CORE_CHECK(s.connection_count() == 0);
  });
  REQUIRE(sink.replies.size() == 2);
  const auto& [echo, echo_borrowed] = sink.replies[0];
  CHECK(echo.opaque == 7);
  CHECK(echo.is_response());
  CHECK(echo.body == "in process");
  CHECK(echo_borrowed.empty());
  const auto& [slices, slices_body] = sink.replies[1];
  CHECK(slices.opaque == 8);
  CHECK(slices.remark == std::string("slices"));
  CHECK(slices_body.size() == 1000 + 70000 + 3);
  // The sink read the slices during the call: `keep` is gone already.
  CHECK(server.slices_released.load() == 1);
}
