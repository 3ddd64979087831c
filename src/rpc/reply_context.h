// ReplyContext: the right to answer one received request. A handler may reply at once or keep the
// context (it is movable) and reply later from the same core, e.g. when a long-polling pull finds
// a message. The context names the connection by id, so holding it keeps nothing alive: if the
// connection closed meanwhile, reply() drops the response and returns Errc::closed.
// A oneway request gets a context that never sends anything.
//
// A context may instead answer into a ReplySink (RemotingServer::dispatch_in_process): the same
// handlers, driven without a socket, e.g. by a test seam that checks a processor's replies.
//
// Core affinity: a ReplyContext must be used and destroyed on the core that received the request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "reactor/connection.h"
#include "remoting/command.h"

namespace ringmq::reactor {
class Reactor;
}

namespace ringmq::rpc {

// Where the replies of requests handed over in-process go instead of a connection. Called on the
// core that holds the ReplyContext; the sink must outlive every context made for it (contexts may
// stay parked until the core stops).
class ReplySink {
 public:
  virtual ~ReplySink() = default;
  // `response` as a connection would send it (opaque, flags and serialization set), its body either
  // in response.body or, for a borrowed reply, in `borrowed` (valid only during the call).
  virtual void on_reply(remoting::RemotingCommand response, std::span<const Bytes> borrowed) = 0;
};

class ReplyContext {
 public:
  ReplyContext() = default;  // answers nothing (like a oneway request's)
  ReplyContext(reactor::Reactor& reactor, reactor::ConnectionId connection, const remoting::RemotingCommand& request);
  // A request handed over in-process: its reply goes to `sink`, on this core.
  ReplyContext(reactor::Reactor& reactor, ReplySink& sink, const remoting::RemotingCommand& request);
  ReplyContext(ReplyContext&& other) noexcept;
  ReplyContext& operator=(ReplyContext&& other) noexcept;
  ReplyContext(const ReplyContext&) = delete;
  ReplyContext& operator=(const ReplyContext&) = delete;
  // A request dropped without a reply is released (its slot in the open-request limit is freed);
  // the peer then sees its own timeout, as with a Java processor that never answers.
  ~ReplyContext();

  // Sends `response` with the request's opaque and serialization type and the RESPONSE flag set
  // (the fields are overwritten). Returns ok for a oneway request (nothing is sent),
  // Errc::closed when the connection is gone (response dropped). Only the first reply counts.
  Status reply(remoting::RemotingCommand response);
  // Shorthand for a response with only a code and a remark.
  Status reply(std::int32_t code, std::optional<std::string> remark = std::nullopt);
  // Sends a response whose body is caller-owned memory (a mapped CommitLog slice): the header goes
  // now, the body is sent without a copy, and `done` runs once the kernel has taken it (or the
  // connection closed). `done` runs iff this returns ok and the request was not oneway.
  Status reply_borrowed(remoting::RemotingCommand header, Bytes body, reactor::SendDone done);
  // The same for a body in several caller-owned slices (records on both sides of a CommitLog
  // segment boundary), sent as one frame: `keep` holds the memory and is released once the kernel
  // has taken every slice (or the connection closed).
  Status reply_borrowed(remoting::RemotingCommand header, std::span<const Bytes> slices,
                        std::shared_ptr<const void> keep);

  bool is_oneway() const { return oneway_; }
  bool answered() const { return answered_; }
  std::int32_t opaque() const { return opaque_; }
  reactor::ConnectionId connection() const { return connection_; }
  // Whether the connection is still open (a parked long poll can give up early).
  bool connection_open() const;

 private:
  void prepare(remoting::RemotingCommand& response) const;
  void release();

  reactor::Reactor* reactor_ = nullptr;
  ReplySink* sink_ = nullptr;  // set for a request handed over in-process; then no connection
  reactor::ConnectionId connection_;
  std::int32_t opaque_ = 0;
  remoting::SerializeType serialize_type_ = remoting::SerializeType::json;
  bool oneway_ = true;
  bool answered_ = true;
};

}  // namespace ringmq::rpc
