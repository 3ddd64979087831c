// The server side seen from a plain blocking socket with hand-built frames, as a foreign client
// would see it.
#include "rpc_test_support.h"

#include "remoting/response_code.h"

using namespace rpc_test;

TEST_CASE("remoting_server: an unknown JSON request code is answered 3 with the same opaque") {
  TestServer server;
  server.start();
  const int fd = connect_raw(server.port);
  REQUIRE(write_all(fd, json_request(kUnknown, 4242, 0)));
  auto response = read_frame(fd);
  REQUIRE(response.ok());
  CHECK(response->code == remoting::response_code::kRequestCodeNotSupported);
  CHECK(response->opaque == 4242);
  CHECK(response->is_response());
  CHECK(response->serialize_type == SerializeType::json);
  CHECK(response->remark == std::string(" request type 9999 not supported"));
  ::close(fd);
}

TEST_CASE("remoting_server: an unknown ROCKETMQ request code is answered 3 in ROCKETMQ serialization") {
  TestServer server;
  server.start();
  const int fd = connect_raw(server.port);
  REQUIRE(write_all(fd, rocketmq_request(kUnknown, -7, 0)));
  auto response = read_frame(fd);
  REQUIRE(response.ok());
  CHECK(response->code == remoting::response_code::kRequestCodeNotSupported);
  CHECK(response->opaque == -7);
  CHECK(response->is_response());
  CHECK(response->serialize_type == SerializeType::rocketmq);
  CHECK(response->remark == std::string(" request type 9999 not supported"));
  ::close(fd);
}

TEST_CASE("remoting_server: a registered handler answers in the request's serialization") {
  TestServer server;
  server.start();
  const int fd = connect_raw(server.port);
  REQUIRE(write_all(fd, json_request(kEcho, 1, 0) + rocketmq_request(kEcho, 2, 0)));
  auto first = read_frame(fd);
  auto second = read_frame(fd);
  REQUIRE((first.ok() && second.ok()));
  CHECK(first->opaque == 1);
  CHECK(first->code == 0);
  CHECK(first->serialize_type == SerializeType::json);
  CHECK(first->ext_fields.get("k") == std::string_view("v"));
  CHECK(second->opaque == 2);
  CHECK(second->serialize_type == SerializeType::rocketmq);
  CHECK(second->ext_fields.get("k") == std::string_view("v"));
  ::close(fd);
}

TEST_CASE("remoting_server: a oneway request is never answered, not even an unknown code") {
  TestServer server;
  server.start();
  const int fd = connect_raw(server.port);
  // Oneway unknown, oneway known, then a normal request: the first frame back answers the last.
  REQUIRE(write_all(fd, json_request(kUnknown, 10, remoting::kFlagOneway) +
                            json_request(kEcho, 11, remoting::kFlagOneway) + json_request(kUnknown, 12, 0)));
  auto response = read_frame(fd);
  REQUIRE(response.ok());
  CHECK(response->opaque == 12);
  CHECK(response->code == remoting::response_code::kRequestCodeNotSupported);
  ::close(fd);
}

TEST_CASE("remoting_server: each kind of malformed frame closes only its own connection") {
  TestServer server;
  server.start();
  const int steady = connect_raw(server.port);
  auto be32 = [](std::uint32_t v) {
    std::string s(4, '\0');
    store_be32(s.data(), v);
    return s;
  };
  struct Case {
    const char* name;
    std::string bytes;
  };
  const std::vector<Case> cases = {
      {"length over 16 MiB", be32(16 * 1024 * 1024 + 1) + be32(10)},
      {"negative length", be32(0x80000000u) + be32(10)},
      {"length too small for a header spec", be32(2) + "ab"},
      {"header longer than the frame", be32(4 + 5) + be32(100) + "{}xyz"},
      {"unparsable JSON header", raw_frame(0, "{\"code\":12,\"opaque\":")},
      {"truncated ROCKETMQ header", raw_frame(1, std::string(7, '\0'))},
      {"unknown serialization type", raw_frame(7, "{}")},
  };
  int round = 0;
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const int bad = connect_raw(server.port);
    // A good request first, so the bad bytes are known to hit an established, working connection.
    REQUIRE(write_all(bad, json_request(kEcho, 1, 0)));
    REQUIRE(read_frame(bad).ok());
    REQUIRE(write_all(bad, c.bytes));
    CHECK(closed_by_peer(bad));
    ::close(bad);
    REQUIRE(write_all(steady, json_request(kEcho, 100 + round, 0)));
    auto response = read_frame(steady);
    REQUIRE(response.ok());
    CHECK(response->opaque == 100 + round);
    ++round;
  }
  ::close(steady);
}

TEST_CASE("remoting_server: a frame split across many small writes is reassembled") {
  TestServer server;
  server.start();
  const int fd = connect_raw(server.port);
  std::string body(200000, 'q');
  const std::string frame = raw_frame(0,
      "{\"code\":100,\"flag\":0,\"language\":\"JAVA\",\"opaque\":5,\"serializeTypeCurrentRPC\":\"JSON\",\"version\":409}",
      body);
  for (std::size_t pos = 0; pos < frame.size(); pos += 7777) {
    REQUIRE(write_all(fd, std::string_view(frame).substr(pos, 7777)));
    if (pos < 50000) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  auto response = read_frame(fd);
  REQUIRE(response.ok());
  CHECK(response->opaque == 5);
  CHECK(response->body == body);
  ::close(fd);
}
