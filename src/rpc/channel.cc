#include "rpc/channel.h"

#include <utility>

#include "base/log.h"
#include "base/log_limiter.h"
#include "reactor/limits.h"
#include "remoting/codec.h"
#include "rpc/dispatcher.h"

namespace ringmq::rpc {

namespace {
// Opaques come from one counter per core (Java uses one per process); responses are matched per
// connection, so uniqueness on the core is more than enough.
thread_local std::int32_t t_next_opaque = 0;
// Encoding scratch of the core, reused so small frames cost no allocation.
thread_local std::string t_encode_buffer;
// A receive buffer that grew for a large frame is released once empty.
constexpr std::size_t kKeepBufferBytes = 1024 * 1024;
}  // namespace

Channel::Channel(reactor::Connection& connection, Dispatcher& dispatcher)
    : connection_(&connection), id_(connection.id()), dispatcher_(dispatcher),
      last_frame_ns_(connection.reactor().now_ns()) {}

Channel::~Channel() { RINGMQ_ASSERT(pending_.empty()); }

Channel* Channel::find(reactor::Reactor& reactor, reactor::ConnectionId id) {
  reactor::Connection* conn = reactor.find(id);
  return conn != nullptr ? static_cast<Channel*>(conn->context()) : nullptr;
}

void Channel::on_data(Bytes data) {
  if (!connection_->is_open()) return;
  if (buffered_.empty()) {
    // The common case: whole frames in one receive buffer are decoded in place, without a copy.
    const std::size_t used = parse_frames(data);
    if (used < data.size() && connection_->is_open()) buffered_.append(as_string_view(data.subspan(used)));
    return;
  }
  buffered_.append(as_string_view(data));
  const std::size_t used = parse_frames(as_bytes(buffered_));
  buffered_.erase(0, used);
  if (buffered_.empty() && buffered_.capacity() > kKeepBufferBytes) std::string().swap(buffered_);
}

std::size_t Channel::parse_frames(Bytes buffered) {
  std::size_t pos = 0;
  // A handler may close the connection; the frames after that are not for anyone.
  while (connection_->is_open()) {
    const Bytes rest = buffered.subspan(pos);
    auto size = remoting::peek_frame_size(rest);
    if (!size.ok()) {
      close_malformed(size.error());
      return buffered.size();
    }
    if (!size->has_value() || rest.size() < **size) break;
    auto command = remoting::decode_frame(rest.first(**size));
    if (!command.ok()) {
      close_malformed(command.error());
      return buffered.size();
    }
    pos += **size;
    last_frame_ns_ = connection_->reactor().now_ns();
    handle_command(std::move(command).value());
  }
  return pos;
}

void Channel::close_malformed(const Error& error) {
  // A client (or a scanner) sending garbage on many connections must not flood the log.
  static LogLimiter limiter;
  RINGMQ_LOG_LIMITED(limiter, log_warn, "closing connection {}: malformed frame: {}", connection_->peer(), error.to_string());
  connection_->close(Error{Errc::malformed, 0, "malformed frame: " + error.detail});
}

void Channel::handle_command(remoting::RemotingCommand command) {
  if (!command.is_response()) {
    dispatcher_.dispatch(*this, std::move(command));
    return;
  }
  auto it = pending_.find(command.opaque);
  if (it == pending_.end()) {
    // Late (already timed out) or never asked for; Java logs and drops these too.
    log_debug("dropping response with unknown opaque {} (code {}) from {}", command.opaque, command.code,
              connection_->peer());
    return;
  }
  ResponseFn done = std::move(it->second.done);
  connection_->reactor().cancel_timer(it->second.timer);
  pending_.erase(it);
  done(std::move(command));
}

std::int32_t Channel::next_opaque() {
  while (true) {
    const std::int32_t opaque = t_next_opaque;
    // Wraps like Java's AtomicInteger (two's complement), done in unsigned to stay defined.
    t_next_opaque = static_cast<std::int32_t>(static_cast<std::uint32_t>(t_next_opaque) + 1u);
    if (!pending_.contains(opaque)) return opaque;
  }
}

Status Channel::send_command(const remoting::RemotingCommand& command) {
  if (!connection_->is_open()) return make_error(Errc::closed, "connection closed");
  std::string& out = t_encode_buffer;
  out.clear();
  RINGMQ_TRY(remoting::encode_frame(command, out));
  Status sent = out.size() <= kCopyFrameBytesMax ? connection_->send(as_bytes(out)) : connection_->send(std::move(out));
  if (!sent.ok() && sent.error().code == Errc::busy) {
    // The peer does not read its responses; a frame dropped here would leave it waiting forever.
    log_warn("closing connection {}: send queue full", connection_->peer());
    connection_->close(sent.error());
  }
  return sent;
}

Status Channel::send_owned_command(remoting::RemotingCommand&& command) {
  if (command.body.size() < kMoveBodyBytesMin) return send_command(command);
  RINGMQ_TRY(queue_frame_prefix(command, command.body.size()));
  return connection_->send(std::move(command.body));
}

Status Channel::send_with_borrowed_body(const remoting::RemotingCommand& header, Bytes body, reactor::SendDone done) {
  RINGMQ_TRY(queue_frame_prefix(header, body.size()));
  return connection_->send_borrowed(body, std::move(done));
}

Status Channel::send_with_borrowed_slices(const remoting::RemotingCommand& header, std::span<const Bytes> slices,
                                          std::shared_ptr<const void> keep) {
  std::size_t body_bytes = 0;
  for (const Bytes& slice : slices) body_bytes += slice.size();
  RINGMQ_TRY(queue_frame_prefix(header, body_bytes));
  for (const Bytes& slice : slices) {
    // Each slice holds `keep`: zero-copy notifications may come back in any order.
    if (auto st = connection_->send_borrowed(slice, [keep](const Status&) {}); !st.ok()) {
      connection_->close(make_error(Errc::io, "reply cut short"));  // half a frame must not stay on the wire
      return st;
    }
  }
  return {};
}

Status Channel::queue_frame_prefix(const remoting::RemotingCommand& header, std::size_t body_bytes) {
  if (!connection_->is_open()) return make_error(Errc::closed, "connection closed");
  std::string& out = t_encode_buffer;
  out.clear();
  RINGMQ_TRY(remoting::encode_frame_prefix(header, body_bytes, out));
  // Prefix and body are queued together or not at all: half a frame would corrupt the stream. As
  // in send_command, a frame that cannot be queued closes the connection: a dropped response would
  // leave the peer waiting forever.
  if (connection_->queued_send_bytes() + out.size() + body_bytes > reactor::kSendQueueBytesMax) {
    log_warn("closing connection {}: send queue full", connection_->peer());
    connection_->close(make_error(Errc::busy, "send queue full"));
    return make_error(Errc::busy, "send queue full");
  }
  return connection_->send(as_bytes(out));
}

Status Channel::invoke(remoting::RemotingCommand request, std::int64_t timeout_ms, ResponseFn&& done) {
  if (!connection_->is_open()) return make_error(Errc::closed, "connection closed");
  if (pending_.size() >= kPendingCallsPerConnectionMax)
    return make_error(Errc::busy, "too many pending calls on this connection");
  const std::int32_t opaque = next_opaque();
  request.opaque = opaque;
  request.flag &= ~(remoting::kFlagResponse | remoting::kFlagOneway);
  reactor::Reactor& reactor = connection_->reactor();
  auto timer = reactor.add_timer(timeout_ms, [&reactor, id = id_, opaque] {
    if (Channel* channel = Channel::find(reactor, id)) channel->on_call_timeout(opaque);
  });
  if (!timer.ok()) return timer.take_error();
  if (Status sent = send_owned_command(std::move(request)); !sent.ok()) {
    reactor.cancel_timer(*timer);
    return sent;
  }
  pending_.emplace(opaque, PendingCall{std::move(done), *timer});
  return {};
}

Status Channel::invoke_oneway(remoting::RemotingCommand request) {
  request.opaque = next_opaque();
  request.flag = (request.flag & ~remoting::kFlagResponse) | remoting::kFlagOneway;
  return send_owned_command(std::move(request));
}

void Channel::on_call_timeout(std::int32_t opaque) {
  auto it = pending_.find(opaque);
  if (it == pending_.end()) return;
  ResponseFn done = std::move(it->second.done);
  pending_.erase(it);
  done(make_error(Errc::timeout, fmt::format("no response from {} for opaque {}", connection_->peer(), opaque)));
}

void Channel::fail_all(const Error& reason) {
  // Callbacks may call invoke() on this channel again (it fails: the connection is closing), so
  // the table is taken first.
  std::unordered_map<std::int32_t, PendingCall> pending;
  pending.swap(pending_);
  for (auto& [opaque, call] : pending) {
    connection_->reactor().cancel_timer(call.timer);
    call.done(Error{Errc::closed, reason.sys_errno, "connection closed: " + reason.detail});
  }
}

}  // namespace ringmq::rpc
