#include "rpc/remoting_client.h"

#include <utility>

#include "base/log.h"

namespace ringmq::rpc {

RemotingClient::RemotingClient(reactor::Reactor& reactor) : reactor_(reactor) {}

RemotingClient::~RemotingClient() {
  if (channels_ != 0) log_warn("remoting client destroyed with {} connections still open", channels_);
}

Channel* RemotingClient::channel_for(std::string_view address) const {
  auto it = endpoints_.find(std::string(address));
  if (it == endpoints_.end() || it->second.connecting) return nullptr;
  Channel* channel = Channel::find(reactor_, it->second.id);
  return channel != nullptr && channel->connection().is_open() ? channel : nullptr;
}

Result<reactor::ConnectionId> RemotingClient::connection(std::string_view address) const {
  Channel* channel = channel_for(address);
  if (channel == nullptr) return make_error(Errc::not_found, fmt::format("no connection to {}", address));
  return channel->id();
}

Status RemotingClient::invoke(std::string_view address, remoting::RemotingCommand request, std::int64_t timeout_ms,
                              ResponseFn done) {
  if (Channel* channel = channel_for(address)) return channel->invoke(std::move(request), timeout_ms, std::move(done));
  return enqueue(address, WaitingCall{std::move(request), reactor_.now_ns() + timeout_ms * 1000000, std::move(done)});
}

Status RemotingClient::invoke_oneway(std::string_view address, remoting::RemotingCommand request) {
  if (Channel* channel = channel_for(address)) return channel->invoke_oneway(std::move(request));
  return enqueue(address, WaitingCall{std::move(request), 0, ResponseFn()});
}

Status RemotingClient::enqueue(std::string_view address, WaitingCall call) {
  auto it = endpoints_.find(std::string(address));
  Endpoint* endpoint;
  if (it != endpoints_.end() && it->second.connecting) {
    endpoint = &it->second;
  } else {
    // No endpoint yet, or its connection is closing: dial a new one.
    RINGMQ_TRY_ASSIGN(endpoint, start_connect(address));
  }
  if (endpoint->waiting.size() >= kCallsWaitingForConnectMax)
    return make_error(Errc::busy, fmt::format("too many calls waiting for the connection to {}", address));
  endpoint->waiting.push_back(std::move(call));
  return {};
}

Result<RemotingClient::Endpoint*> RemotingClient::start_connect(std::string_view address) {
  RINGMQ_TRY_ASSIGN(reactor::SocketAddress resolved, reactor::resolve_host_port(address));
  std::string key(address);
  const std::uint64_t attempt = next_attempt_++;
  RINGMQ_TRY(reactor_.connect(resolved, *this, [this, key, attempt](Result<reactor::ConnectionId> result) {
    on_connected(key, attempt, std::move(result));
  }));
  Endpoint& endpoint = endpoints_[key];
  endpoint = Endpoint{};
  endpoint.attempt = attempt;
  return &endpoint;
}

void RemotingClient::on_connected(const std::string& address, std::uint64_t attempt,
                                  Result<reactor::ConnectionId> result) {
  auto it = endpoints_.find(address);
  if (it == endpoints_.end() || it->second.attempt != attempt) {
    // close() forgot the endpoint while it was connecting (and a newer attempt may have begun).
    if (result.ok())
      if (reactor::Connection* conn = reactor_.find(*result)) conn->close(make_error(Errc::closed, "not wanted"));
    return;
  }
  std::vector<WaitingCall> waiting = std::move(it->second.waiting);
  if (!result.ok()) {
    log_warn("connect to {} failed: {}", address, result.error().to_string());
    endpoints_.erase(it);
    for (WaitingCall& call : waiting)
      if (call.done) call.done(result.error());
    return;
  }
  it->second.connecting = false;
  it->second.id = *result;
  Channel* channel = Channel::find(reactor_, *result);
  RINGMQ_ASSERT(channel != nullptr);
  channel->set_label(address);
  for (WaitingCall& call : waiting) send_waiting(*channel, call);
}

void RemotingClient::send_waiting(Channel& channel, WaitingCall& call) {
  if (!call.done) {
    (void)channel.invoke_oneway(std::move(call.request));
    return;
  }
  const std::int64_t left_ns = call.deadline_ns - reactor_.now_ns();
  if (left_ns <= 0) {
    call.done(make_error(Errc::timeout, "timed out waiting for the connection"));
    return;
  }
  const std::int64_t left_ms = (left_ns + 999999) / 1000000;
  Status sent = channel.invoke(std::move(call.request), left_ms, std::move(call.done));
  if (!sent.ok()) call.done(sent.error());  // invoke() leaves `done` with us when it fails
}

void RemotingClient::close(std::string_view address) {
  auto it = endpoints_.find(std::string(address));
  if (it == endpoints_.end()) return;
  const bool connecting = it->second.connecting;
  const reactor::ConnectionId id = it->second.id;
  std::vector<WaitingCall> waiting = std::move(it->second.waiting);
  endpoints_.erase(it);
  for (WaitingCall& call : waiting)
    if (call.done) call.done(make_error(Errc::closed, "connection closed by the caller"));
  if (!connecting)
    if (reactor::Connection* conn = reactor_.find(id)) conn->close(make_error(Errc::closed, "closed by the caller"));
}

void RemotingClient::close_all() {
  std::vector<std::string> addresses;
  for (const auto& [address, endpoint] : endpoints_) addresses.push_back(address);
  for (const std::string& address : addresses) close(address);
}

void RemotingClient::on_open(reactor::Connection& conn) {
  conn.set_context(new Channel(conn, dispatcher_));
  ++channels_;
}

void RemotingClient::on_data(reactor::Connection& conn, Bytes data) {
  static_cast<Channel*>(conn.context())->on_data(data);
}

void RemotingClient::on_close(reactor::Connection& conn, const Error& reason) {
  auto* channel = static_cast<Channel*>(conn.context());
  log_debug("connection to {} closed: {}", conn.peer(), reason.to_string());
  auto it = endpoints_.find(channel->label());
  if (it != endpoints_.end() && !it->second.connecting && it->second.id == conn.id()) endpoints_.erase(it);
  channel->fail_all(reason);
  conn.set_context(nullptr);
  delete channel;
  --channels_;
}

}  // namespace ringmq::rpc
