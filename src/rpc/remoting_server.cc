#include "rpc/remoting_server.h"

#include <vector>

#include "base/log.h"
#include "base/log_limiter.h"

namespace ringmq::rpc {

RemotingServer::RemotingServer(reactor::Reactor& reactor) : reactor_(reactor) {}

namespace {
// The IP part of "ip:port" ("[v6]:port" keeps its brackets; either way one key per address).
std::string ip_of(const std::string& peer) {
  const auto colon = peer.rfind(':');
  return colon == std::string::npos ? peer : peer.substr(0, colon);
}
}  // namespace

RemotingServer::~RemotingServer() {
  if (sweeping_) reactor_.cancel_timer(sweep_timer_);
  if (channels_ != 0) log_warn("remoting server destroyed with {} connections still open", channels_);
}

Status RemotingServer::listen(int listen_fd) {
  if (!sweeping_ && limits_.idle_timeout_ms > 0) {
    auto timer = reactor_.add_periodic_timer(kIdleSweepIntervalMs, [this] { sweep_idle(); });
    if (timer.ok()) {
      sweep_timer_ = *timer;
      sweeping_ = true;
    }
  }
  return reactor_.listen(listen_fd, *this);
}

void RemotingServer::sweep_idle() {
  const std::int64_t deadline = reactor_.now_ns() - limits_.idle_timeout_ms * 1'000'000;
  std::vector<reactor::Connection*> idle;
  for (auto& [id, conn] : connections_) {
    auto* channel = static_cast<Channel*>(conn->context());
    // A connection still owed replies (e.g. a parked long poll) is waiting on us, not idle.
    if (channel != nullptr && channel->last_frame_ns() < deadline && channel->open_requests() == 0) idle.push_back(conn);
  }
  for (reactor::Connection* conn : idle) {
    ++closed_idle_;
    static LogLimiter limiter;  // a flood of idle peers logs a few lines per window, with the count
    RINGMQ_LOG_LIMITED(limiter, log_warn, "idle connection from {} closed", conn->peer());
    conn->close(make_error(Errc::timeout, "no frame within the idle timeout"));
  }
}

void RemotingServer::set_connection_listeners(ConnectionListener on_open, ConnectionListener on_close) {
  on_open_ = std::move(on_open);
  on_close_ = std::move(on_close);
}

void RemotingServer::on_open(reactor::Connection& conn) {
  conn.set_context(new Channel(conn, dispatcher_));
  ++channels_;
  connections_[conn.id().value] = &conn;
  const bool over_ip_limit = ++per_ip_[ip_of(conn.peer())] > limits_.connections_per_ip_max;
  log_debug("connection from {} opened", conn.peer());
  if (on_open_) on_open_(conn.id(), conn.peer());
  if (over_ip_limit) {
    // Closed before it could send anything; on_close undoes the counts as for any connection.
    ++refused_by_ip_limit_;
    static LogLimiter limiter;
    RINGMQ_LOG_LIMITED(limiter, log_warn, "connections per IP over the limit: closed one from {}", conn.peer());
    conn.close(make_error(Errc::busy, "too many connections from this address"));
  }
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
  connections_.erase(conn.id().value);
  const auto it = per_ip_.find(ip_of(conn.peer()));
  if (it != per_ip_.end() && --it->second == 0) per_ip_.erase(it);
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
