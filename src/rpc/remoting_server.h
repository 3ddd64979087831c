// RemotingServer: the remoting protocol on the connections one core accepts. Create one per core
// (in the Engine's start hook), register the handlers, then listen on that core's SO_REUSEPORT
// socket:
//
//   auto sockets = reactor::open_listen_sockets("0.0.0.0", 9876, engine.core_count());
//   engine.start([&](reactor::Reactor& r) {
//     auto& server = servers[r.core()] = std::make_unique<RemotingServer>(r);
//     server->register_handler(request_code::kHeartBeat, [](RemotingCommand req, ReplyContext reply) {
//       reply.reply(response_code::kSuccess);
//     });
//     server->listen(fds[r.core()]);
//   }, [&](reactor::Reactor& r) { servers[r.core()].reset(); });
//
// Requests go to the handler of their code (unknown codes are answered REQUEST_CODE_NOT_SUPPORTED;
// oneway requests never get a reply). The server can also call its peers over their own
// connections (broker -> client NOTIFY_CONSUMER_IDS_CHANGED) with invoke().
//
// Core affinity and lifetime: everything on the owning core. Destroy it after the core's
// connections are gone, i.e. in the Engine's stop hook.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "reactor/reactor.h"
#include "rpc/channel.h"
#include "rpc/dispatcher.h"
#include "rpc/limits.h"

namespace ringmq::rpc {

class RemotingServer : public reactor::ConnectionHandler {
 public:
  using ConnectionListener = std::function<void(reactor::ConnectionId id, const std::string& peer)>;

  explicit RemotingServer(reactor::Reactor& reactor);
  RemotingServer(const RemotingServer&) = delete;
  RemotingServer& operator=(const RemotingServer&) = delete;
  ~RemotingServer() override;

  void register_handler(std::int32_t code, RequestHandler handler) {
    dispatcher_.register_handler(code, std::move(handler));
  }
  // Told when a connection opens or closes (e.g. to drop a consumer whose channel died).
  void set_connection_listeners(ConnectionListener on_open, ConnectionListener on_close);

  // Runs the handler of `request` here, without a connection: the reply goes to `sink` (test
  // seams drive a server's handlers this way). On this server's core. Errc::not_found for a code
  // with no handler.
  Status dispatch_in_process(remoting::RemotingCommand request, ReplySink& sink) {
    return dispatcher_.dispatch_in_process(reactor_, std::move(request), sink);
  }

  // Connection limits (rpc/limits.h): per remote IP on this core, idle timeout. Set before listen.
  void set_limits(const ServerLimits& limits) { limits_ = limits; }
  // Accepts on a listening socket of this core (ownership of the fd moves here).
  Status listen(int listen_fd);

  // Calls the peer of an accepted connection; see Channel::invoke.
  Status invoke(reactor::ConnectionId connection, remoting::RemotingCommand request, std::int64_t timeout_ms,
                ResponseFn done);
  Status invoke_oneway(reactor::ConnectionId connection, remoting::RemotingCommand request);
  // Closes one accepted connection (e.g. an idle or misbehaving client).
  void close(reactor::ConnectionId connection, Error reason);

  std::size_t connection_count() const { return channels_; }
  // Connections closed by a limit (per-IP cap, idle timeout) since the server started.
  std::uint64_t refused_by_ip_limit() const { return refused_by_ip_limit_; }
  std::uint64_t closed_idle() const { return closed_idle_; }
  // Requests whose code has no handler, since the server started.
  std::uint64_t unsupported_requests() const { return dispatcher_.unsupported_requests(); }
  reactor::Reactor& reactor() const { return reactor_; }

  // reactor::ConnectionHandler
  void on_open(reactor::Connection& conn) override;
  void on_data(reactor::Connection& conn, Bytes data) override;
  void on_close(reactor::Connection& conn, const Error& reason) override;

 private:
  void sweep_idle();

  reactor::Reactor& reactor_;
  Dispatcher dispatcher_;
  ServerLimits limits_;
  // Open connections of this server, and how many come from each remote IP.
  std::unordered_map<std::uint64_t, reactor::Connection*> connections_;
  std::unordered_map<std::string, std::size_t> per_ip_;
  reactor::TimerId sweep_timer_{};
  bool sweeping_ = false;
  std::uint64_t refused_by_ip_limit_ = 0;
  std::uint64_t closed_idle_ = 0;
  ConnectionListener on_open_;
  ConnectionListener on_close_;
  std::size_t channels_ = 0;
};

}  // namespace ringmq::rpc
