// FrameServer: the remoting frame layer of one listener on one core — splits received bytes into
// frames, decodes them and hands each request to a RequestSink; sends replies.
//
// This is the broker's local stand-in for src/rpc's RemotingServer, which had not landed when the
// broker was written; it is deliberately small so the broker can move onto RemotingServer by
// swapping this file. One FrameServer object serves every connection of its listener on its core
// (per-connection state lives in the Connection's context); only that core touches it.
//
// A malformed frame or header closes the connection with a log line (DESIGN.md §8); requests
// already handed on are still answered if the connection lives.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "reactor/connection.h"
#include "reactor/reactor.h"
#include "remoting/command.h"

namespace ringmq::broker {

// Where a reply goes: the core owning the connection and the connection's id there.
struct ReplyTarget {
  unsigned core = 0;
  reactor::ConnectionId connection;
};

// What a reply needs to know about its request.
struct RequestRef {
  std::int32_t opaque = 0;
  remoting::SerializeType serialize_type = remoting::SerializeType::json;
  bool oneway = false;

  static RequestRef of(const remoting::RemotingCommand& request) {
    return {request.opaque, request.serialize_type, request.is_oneway()};
  }
};

// A response to the request `ref` describes (RESPONSE flag, same opaque and serialization).
remoting::RemotingCommand make_response(const RequestRef& ref, std::int32_t code, std::string remark = {});
// Encodes `response` as a frame; on an encoding failure a SYSTEM_ERROR frame instead.
std::string encode_response_frame(const remoting::RemotingCommand& response);
// Sends an encoded frame on the calling core's connection, if it is still open.
void send_frame(reactor::Reactor& reactor, reactor::ConnectionId connection, std::string&& frame);

// Per-connection state kept in Connection::context().
struct ConnectionState {
  std::string pending;  // bytes of an incomplete frame
  std::uint32_t peer_ipv4 = 0;
  std::int32_t peer_port = 0;
};

class RequestSink {
 public:
  virtual ~RequestSink() = default;
  virtual void on_request(reactor::Connection& conn, ConnectionState& state, remoting::RemotingCommand&& request) = 0;
  virtual void on_connection_closed(reactor::Connection& conn) { (void)conn; }
};

class FrameServer final : public reactor::ConnectionHandler {
 public:
  explicit FrameServer(RequestSink& sink) : sink_(sink) {}

  void on_open(reactor::Connection& conn) override;
  void on_data(reactor::Connection& conn, Bytes data) override;
  void on_close(reactor::Connection& conn, const Error& reason) override;

 private:
  // Decodes whole frames from the front of `bytes`; returns the bytes consumed, or an error.
  Result<std::size_t> consume(reactor::Connection& conn, ConnectionState& state, Bytes bytes);

  RequestSink& sink_;
};

}  // namespace ringmq::broker
