// Dispatcher: the table of request handlers of one side of a connection, keyed by request code.
// The remoting layer's generic answers live here: unknown code -> REQUEST_CODE_NOT_SUPPORTED (logged
// at warn, rate-limited, and counted),
// too many open requests -> SYSTEM_BUSY, oneway requests never answered.
// Owned by a RemotingServer or RemotingClient; used on its core only.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>

#include "remoting/command.h"
#include "rpc/reply_context.h"

namespace ringmq::rpc {

class Channel;

// Handles one request. `reply` may be answered now or moved away and answered later on this core.
using RequestHandler = std::function<void(remoting::RemotingCommand request, ReplyContext reply)>;

class Dispatcher {
 public:
  // Installs (or replaces) the handler of `code`.
  void register_handler(std::int32_t code, RequestHandler handler);
  bool has_handler(std::int32_t code) const { return handlers_.contains(code); }

  // Runs the handler of a request that arrived on `channel`.
  void dispatch(Channel& channel, remoting::RemotingCommand request);
  // Runs the handler of a request handed over in-process on `reactor` (this table's core); its
  // reply goes to `sink`. Errc::not_found when no handler has its code.
  Status dispatch_in_process(reactor::Reactor& reactor, remoting::RemotingCommand request, ReplySink& sink);
  // Requests answered REQUEST_CODE_NOT_SUPPORTED (or dropped, if oneway) so far.
  std::uint64_t unsupported_requests() const { return unsupported_requests_; }

 private:
  std::unordered_map<std::int32_t, RequestHandler> handlers_;
  std::uint64_t unsupported_requests_ = 0;
};

}  // namespace ringmq::rpc
