// MetricsHttpServer: answers `GET /metrics` over HTTP/1.1 on one core's reactor, with no thread of
// its own. One request per connection: the request head is read (at most kHttpRequestBytesMax),
// the body is produced asynchronously by `render` (which may visit other cores and must call
// `done` back on this core), sent with "Connection: close", and the connection is closed once the
// kernel has taken every byte. Other paths get 404, other methods 405, an oversized head 431.
//
// Owner: BrokerRuntime, for core 0; lives until the runtime is destroyed (the reactor requires a
// listener's handler to outlive the core's loop). Every method runs on that core.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "base/result.h"
#include "reactor/connection.h"

namespace ringmq::reactor { class Reactor; }

namespace ringmq::broker {

inline constexpr std::size_t kHttpRequestBytesMax = 8192;

class MetricsHttpServer : public reactor::ConnectionHandler {
 public:
  using Done = std::function<void(std::string body)>;
  using Render = std::function<void(Done done)>;

  explicit MetricsHttpServer(Render render) : render_(std::move(render)) {}

  // Accepts on `listen_fd` (ownership moves to the reactor).
  Status listen(reactor::Reactor& reactor, int listen_fd);

  void on_open(reactor::Connection& conn) override;
  void on_data(reactor::Connection& conn, Bytes data) override;
  void on_close(reactor::Connection& conn, const Error& reason) override;

 private:
  void handle_request(reactor::Connection& conn, std::string_view head);

  Render render_;
};

// The whole HTTP/1.1 response for `status` ("200 OK") with a text body.
std::string http_response(std::string_view status, std::string_view content_type, std::string_view body);

}  // namespace ringmq::broker
