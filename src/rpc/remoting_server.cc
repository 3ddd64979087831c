#include "rpc/remoting_server.h"

#include "base/log.h"

namespace ringmq::rpc {

RemotingServer::RemotingServer(reactor::Reactor& reactor) : reactor_(reactor) {}

RemotingServer::~RemotingServer() {
  if (channels_ != 0) log_warn("remoting server destroyed with {} connections still open", channels_);
}

void RemotingServer::set_connection_listeners(ConnectionListener on_open, ConnectionListener on_close) {
  on_open_ = std::move(on_open);
  on_close_ = std::move(on_close);
}

void RemotingServer::on_open(reactor::Connection& conn) {
  conn.set_context(new Channel(conn, dispatcher_));
  ++channels_;
  log_debug("connection from {} opened", conn.peer());
  if (on_open_) on_open_(conn.id(), conn.peer());
}

void RemotingServer::on_data(reactor::Connection& conn, Bytes data) {
  static_cast<Channel*>(conn.context())->on_data(data);
}

void RemotingServer::on_close(reactor::Connection& conn, const Error& reason) {
  auto* channel = static_cast<Channel*>(conn.context());
  log_debug("connection from {} closed: {}", conn.peer(), reason.to_string());
  channel->fail_all(reason);
  if (on_close_) on_close_(conn.id(), conn.peer());
  conn.set_context(nullptr);
  delete channel;
  --channels_;
}

Status RemotingServer::invoke(reactor::ConnectionId connection, remoting::RemotingCommand request,
                              std::int64_t timeout_ms, ResponseFn done) {
  Channel* channel = Channel::find(reactor_, connection);
  if (channel == nullptr) return make_error(Errc::closed, "connection closed");
  return channel->invoke(std::move(request), timeout_ms, std::move(done));
}

Status RemotingServer::invoke_oneway(reactor::ConnectionId connection, remoting::RemotingCommand request) {
  Channel* channel = Channel::find(reactor_, connection);
  if (channel == nullptr) return make_error(Errc::closed, "connection closed");
  return channel->invoke_oneway(std::move(request));
}

void RemotingServer::close(reactor::ConnectionId connection, Error reason) {
  if (reactor::Connection* conn = reactor_.find(connection)) conn->close(std::move(reason));
}

}  // namespace ringmq::rpc
