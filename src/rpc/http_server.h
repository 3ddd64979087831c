// HttpServer: answers GETs over HTTP/1.1 on one core's reactor, with no thread of its own: the
// broker's and the NameServer's `GET /metrics` (Prometheus) and the NameServer's address endpoint
// (`GET /rocketmq/nsaddr`). One request per connection: the request head is read (at most
// kHttpRequestBytesMax), the body of the path's route is produced asynchronously by its `render`
// (which may visit other cores and must call `done` back on this core), sent with
// "Connection: close", and the connection is closed once the kernel has taken every byte. Other
// paths get 404, other methods 405, an oversized head 431.
//
// Owner: the process's runtime, for one core; lives until the core's loop has ended (the reactor
// requires a listener's handler to outlive it). Every method runs on that core, routes are added
// before listen().
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "reactor/connection.h"

namespace ringmq::reactor { class Reactor; }

namespace ringmq::rpc {

inline constexpr std::size_t kHttpRequestBytesMax = 8192;
inline constexpr std::size_t kHttpRoutesMax = 8;
// Prometheus' text exposition format, version 0.0.4.
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

class HttpServer : public reactor::ConnectionHandler {
 public:
  using Done = std::function<void(std::string body)>;
  using Render = std::function<void(Done done)>;

  HttpServer() = default;
  // The common case: one route.
  HttpServer(std::string path, std::string content_type, Render render) {
    add_route(std::move(path), std::move(content_type), std::move(render));
  }

  // At most kHttpRoutesMax routes (a programming error beyond, asserted).
  void add_route(std::string path, std::string content_type, Render render);
  // Accepts on `listen_fd` (ownership moves to the reactor).
  Status listen(reactor::Reactor& reactor, int listen_fd);

  void on_open(reactor::Connection& conn) override;
  void on_data(reactor::Connection& conn, Bytes data) override;
  void on_close(reactor::Connection& conn, const Error& reason) override;

 private:
  struct Route {
    std::string path;
    std::string content_type;
    Render render;
  };
  void handle_request(reactor::Connection& conn, std::string_view head);

  std::vector<Route> routes_;
};

// The whole HTTP/1.1 response for `status` ("200 OK") with a text body.
std::string http_response(std::string_view status, std::string_view content_type, std::string_view body);

}  // namespace ringmq::rpc
