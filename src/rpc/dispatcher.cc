#include "rpc/dispatcher.h"

#include <utility>

#include "base/log.h"
#include "base/log_limiter.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "rpc/channel.h"
#include "rpc/limits.h"

namespace ringmq::rpc {

void Dispatcher::register_handler(std::int32_t code, RequestHandler handler) {
  RINGMQ_ASSERT(static_cast<bool>(handler));
  handlers_[code] = std::move(handler);
}

void Dispatcher::dispatch(Channel& channel, remoting::RemotingCommand request) {
  reactor::Connection& conn = channel.connection();
  auto it = handlers_.find(request.code);
  if (it == handlers_.end()) {
    // An operator must see this: a Java client fails on it. Rate-limited, as a misbehaving client
    // could otherwise fill the log with one line per request.
    ++unsupported_requests_;
    static LogLimiter limiter;
    const std::string_view name = remoting::request_code_name(request.code);
    RINGMQ_LOG_LIMITED(limiter, log_warn, "request code {} ({}) from {} not supported", request.code,
                       name.empty() ? std::string_view("unknown") : name, conn.peer());
    if (request.is_oneway()) return;  // a oneway sender gets nothing, not even an error
    auto response = remoting::RemotingCommand::response_to(
        request, remoting::response_code::kRequestCodeNotSupported,
        fmt::format(" request type {} not supported", request.code));
    (void)channel.send_command(response);  // a failure closed the connection already
    return;
  }
  if (!request.is_oneway() && channel.open_requests() >= kOpenRequestsPerConnectionMax) {
    auto response = remoting::RemotingCommand::response_to(
        request, remoting::response_code::kSystemBusy,
        "[OVERLOAD]system busy, start flow control for a while");
    (void)channel.send_command(response);
    return;
  }
  ReplyContext reply(conn.reactor(), conn.id(), request);
  it->second(std::move(request), std::move(reply));
}

Status Dispatcher::dispatch_in_process(reactor::Reactor& reactor, remoting::RemotingCommand request, ReplySink& sink) {
  auto it = handlers_.find(request.code);
  if (it == handlers_.end()) {
    return make_error(Errc::not_found, fmt::format("no handler for request code {}", request.code));
  }
  ReplyContext reply(reactor, sink, request);
  it->second(std::move(request), std::move(reply));
  return {};
}

}  // namespace ringmq::rpc
