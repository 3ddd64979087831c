// RemotingClient: calls to remote remoting servers (broker -> NameServer registration, client ->
// NameServer and broker), over connections it dials on demand and keeps, one per "host:port".
//
//   RemotingClient client(reactor);                       // on the core that will use it
//   client.invoke("127.0.0.1:9876", RemotingCommand::request(code), 3000,
//                 [](Result<RemotingCommand> response) { ... });  // runs on this core
//
// A call made while its connection is being established waits (bounded by
// kCallsWaitingForConnectMax) and is sent once connected, or fails with the connect error.
// When a connection closes, every call still waiting for a response on it fails with Errc::closed;
// the next call dials again. Requests the server sends back on these connections (e.g.
// NOTIFY_CONSUMER_IDS_CHANGED, CHECK_TRANSACTION_STATE) go to handlers registered here.
//
// Core affinity and lifetime: one client per core that needs one, used only on that core. Destroy
// it after its connections are gone (in the Engine's stop hook, or after close_all() has been
// followed by the on_close of each connection).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reactor/reactor.h"
#include "rpc/channel.h"
#include "rpc/dispatcher.h"
#include "rpc/limits.h"

namespace ringmq::rpc {

class RemotingClient : public reactor::ConnectionHandler {
 public:
  explicit RemotingClient(reactor::Reactor& reactor);
  RemotingClient(const RemotingClient&) = delete;
  RemotingClient& operator=(const RemotingClient&) = delete;
  ~RemotingClient() override;

  // Handles requests that servers send on this client's connections.
  void register_handler(std::int32_t code, RequestHandler handler) {
    dispatcher_.register_handler(code, std::move(handler));
  }

  // Sends `request` to `address` ("host:port") and calls `done` once, on this core, with the
  // response or an error (Errc::timeout after timeout_ms, Errc::closed, a connect error).
  // `done` runs iff this returns ok. Errors: a bad address, Errc::busy past a limit.
  Status invoke(std::string_view address, remoting::RemotingCommand request, std::int64_t timeout_ms,
                ResponseFn done);
  // Sends a request with the ONEWAY flag (no response).
  Status invoke_oneway(std::string_view address, remoting::RemotingCommand request);
  // Closes the connection to `address` if there is one.
  void close(std::string_view address);
  // Closes every connection of this client.
  void close_all();
  // The open connection to `address`, if any.
  Result<reactor::ConnectionId> connection(std::string_view address) const;
  std::size_t connection_count() const { return channels_; }

  // reactor::ConnectionHandler
  void on_open(reactor::Connection& conn) override;
  void on_data(reactor::Connection& conn, Bytes data) override;
  void on_close(reactor::Connection& conn, const Error& reason) override;

 private:
  struct WaitingCall {
    remoting::RemotingCommand request;
    std::int64_t deadline_ns = 0;
    ResponseFn done;  // empty for a oneway call
  };
  struct Endpoint {
    reactor::ConnectionId id;  // valid once connected
    std::uint64_t attempt = 0;  // which connect() this endpoint waits for
    bool connecting = true;
    std::vector<WaitingCall> waiting;
  };

  // The open channel to `address`, or nullptr.
  Channel* channel_for(std::string_view address) const;
  Result<Endpoint*> start_connect(std::string_view address);
  Status enqueue(std::string_view address, WaitingCall call);
  void on_connected(const std::string& address, std::uint64_t attempt, Result<reactor::ConnectionId> result);
  void send_waiting(Channel& channel, WaitingCall& call);

  reactor::Reactor& reactor_;
  Dispatcher dispatcher_;
  std::unordered_map<std::string, Endpoint> endpoints_;
  std::uint64_t next_attempt_ = 1;
  std::size_t channels_ = 0;
};

}  // namespace ringmq::rpc
