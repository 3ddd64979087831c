#include "rpc/http_server.h"

#include <fmt/format.h>

#include <memory>

#include "base/assert.h"
#include "reactor/reactor.h"

namespace ringmq::rpc {

namespace {

// Sends `response` and closes the connection once it is on the wire (Connection::close drops
// queued bytes, so the close waits for the borrowed send's completion).
void send_and_close(reactor::Connection& conn, std::string response) {
  auto owned = std::make_shared<std::string>(std::move(response));
  reactor::Reactor* reactor = &conn.reactor();
  const reactor::ConnectionId id = conn.id();
  const Bytes bytes{reinterpret_cast<const std::uint8_t*>(owned->data()), owned->size()};
  auto sent = conn.send_borrowed(bytes, [owned, reactor, id](const Status&) {
    if (reactor::Connection* c = reactor->find(id)) c->close(make_error(Errc::closed, "http response sent"));
  });
  if (!sent.ok()) conn.close(make_error(Errc::closed, "http response refused: " + sent.error().detail));
}

}  // namespace

std::string http_response(std::string_view status, std::string_view content_type, std::string_view body) {
  return fmt::format("HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}", status,
                     content_type, body.size(), body);
}

void HttpServer::add_route(std::string path, std::string content_type, Render render) {
  RINGMQ_ASSERT(routes_.size() < kHttpRoutesMax);
  routes_.push_back(Route{std::move(path), std::move(content_type), std::move(render)});
}

Status HttpServer::listen(reactor::Reactor& reactor, int listen_fd) { return reactor.listen(listen_fd, *this); }

void HttpServer::on_open(reactor::Connection& conn) { conn.set_context(new std::string()); }

void HttpServer::on_data(reactor::Connection& conn, Bytes data) {
  auto* buffer = static_cast<std::string*>(conn.context());
  if (buffer == nullptr) return;  // the request was answered; ignore what follows
  buffer->append(reinterpret_cast<const char*>(data.data()), data.size());
  const std::size_t end = buffer->find("\r\n\r\n");
  if (end == std::string::npos) {
    if (buffer->size() > kHttpRequestBytesMax) {
      delete buffer;
      conn.set_context(nullptr);
      send_and_close(conn, http_response("431 Request Header Fields Too Large", "text/plain", "request too large\n"));
    }
    return;
  }
  const std::string head = buffer->substr(0, end);
  delete buffer;
  conn.set_context(nullptr);
  handle_request(conn, head);
}

void HttpServer::handle_request(reactor::Connection& conn, std::string_view head) {
  const std::string_view line = head.substr(0, head.find("\r\n"));
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = line.find(' ', sp1 == std::string_view::npos ? line.size() : sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) {
    return send_and_close(conn, http_response("400 Bad Request", "text/plain", "bad request line\n"));
  }
  const std::string_view method = line.substr(0, sp1);
  std::string_view path = line.substr(sp1 + 1, sp2 - sp1 - 1);
  path = path.substr(0, path.find('?'));
  if (method != "GET") {
    return send_and_close(conn, http_response("405 Method Not Allowed", "text/plain", "only GET\n"));
  }
  const Route* route = nullptr;
  for (const Route& r : routes_) {
    if (r.path == path) route = &r;
  }
  if (route == nullptr) {
    return send_and_close(conn, http_response("404 Not Found", "text/plain",
                                              fmt::format("try {}\n", routes_.empty() ? "" : routes_.front().path)));
  }
  reactor::Reactor* reactor = &conn.reactor();
  const reactor::ConnectionId id = conn.id();
  route->render([reactor, id, content_type = route->content_type](std::string body) {
    reactor::Connection* c = reactor->find(id);
    if (c == nullptr || !c->is_open()) return;  // the client gave up
    send_and_close(*c, http_response("200 OK", content_type, body));
  });
}

void HttpServer::on_close(reactor::Connection& conn, const Error&) {
  delete static_cast<std::string*>(conn.context());
  conn.set_context(nullptr);
}

}  // namespace ringmq::rpc
