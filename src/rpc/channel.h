// Channel: the remoting state of one connection, either side (accepted or dialled). It cuts the
// byte stream into frames (remoting::peek_frame_size / decode_frame), hands requests to its
// Dispatcher, matches responses to the calls this side made (by opaque) and enforces each call's
// timeout with a core timer.
//
// A malformed frame (bad length, over 16 MiB, unparsable header) closes this connection only, with
// a log line. Lifetime: created by the connection's handler in on_open, stored as the connection's
// context, destroyed in on_close after fail_all(). Core affinity: the connection's core only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>

#include "base/bytes.h"
#include "base/result.h"
#include "reactor/connection.h"
#include "reactor/inplace_function.h"
#include "reactor/reactor.h"
#include "remoting/command.h"
#include "rpc/limits.h"

namespace ringmq::rpc {

class Dispatcher;

// The outcome of a call: the response, or Errc::timeout / Errc::closed.
using ResponseFn = reactor::InplaceFunction<void(Result<remoting::RemotingCommand>), kResponseCaptureBytes>;

class Channel {
 public:
  Channel(reactor::Connection& connection, Dispatcher& dispatcher);
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;
  ~Channel();

  // The channel of a live connection on `reactor`, or nullptr.
  static Channel* find(reactor::Reactor& reactor, reactor::ConnectionId id);

  reactor::Connection& connection() const { return *connection_; }
  reactor::ConnectionId id() const { return id_; }
  // Free text naming the channel for its owner (the client keys connections by address).
  const std::string& label() const { return label_; }
  void set_label(std::string label) { label_ = std::move(label); }

  // Feeds received bytes; complete frames are dispatched in order.
  void on_data(Bytes data);
  // Fails every pending call with `reason` (the connection is closing).
  void fail_all(const Error& reason);

  // Sends a request and calls `done` once with its response or an error. The request's opaque is
  // assigned here. Errors: Errc::closed, Errc::busy past kPendingCallsPerConnectionMax,
  // Errc::too_large for a frame over the limit; `done` is then left untouched with the caller.
  Status invoke(remoting::RemotingCommand request, std::int64_t timeout_ms, ResponseFn&& done);
  // Sends a request with the ONEWAY flag; no response is expected or matched.
  Status invoke_oneway(remoting::RemotingCommand request);
  // Encodes and queues one command as it is.
  Status send_command(const remoting::RemotingCommand& command);
  // The same for a command the caller gives up: a body of kMoveBodyBytesMin or more is queued
  // without being copied.
  Status send_owned_command(remoting::RemotingCommand&& command);
  // Queues a command's frame prefix and a caller-owned body (see ReplyContext::reply_borrowed).
  Status send_with_borrowed_body(const remoting::RemotingCommand& header, Bytes body, reactor::SendDone done);
  // The same for a body in several slices, one frame; `keep` holds their memory until the kernel
  // has taken the last of them (see ReplyContext::reply_borrowed). A failure part way through
  // closes the connection: half a frame must not stay on the wire.
  Status send_with_borrowed_slices(const remoting::RemotingCommand& header, std::span<const Bytes> slices,
                                   std::shared_ptr<const void> keep);

  std::size_t pending_calls() const { return pending_.size(); }
  // When the last whole frame arrived (the core's loop clock), or when the channel opened.
  std::int64_t last_frame_ns() const { return last_frame_ns_; }
  // Received requests whose reply is still owed (ReplyContext keeps the count).
  std::size_t open_requests() const { return open_requests_; }
  void request_opened() { ++open_requests_; }
  void request_closed() {
    RINGMQ_ASSERT(open_requests_ > 0);
    --open_requests_;
  }

 private:
  // Checks that the frame fits the send queue (else closes the connection: Errc::busy), then
  // queues its prefix; the caller queues `body_bytes` of body right after.
  Status queue_frame_prefix(const remoting::RemotingCommand& header, std::size_t body_bytes);
  struct PendingCall {
    ResponseFn done;
    reactor::TimerId timer;
  };

  std::size_t parse_frames(Bytes buffered);
  void handle_command(remoting::RemotingCommand command);
  void on_call_timeout(std::int32_t opaque);
  std::int32_t next_opaque();
  void close_malformed(const Error& error);

  reactor::Connection* connection_;
  reactor::ConnectionId id_;
  Dispatcher& dispatcher_;
  std::string label_;
  // Bytes of an incomplete frame (received data is parsed in place when nothing is buffered).
  std::string buffered_;
  std::unordered_map<std::int32_t, PendingCall> pending_;
  std::size_t open_requests_ = 0;
  std::int64_t last_frame_ns_ = 0;
};

}  // namespace ringmq::rpc
