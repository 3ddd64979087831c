#include "rpc/reply_context.h"

#include <utility>

#include "reactor/reactor.h"
#include "rpc/channel.h"

namespace ringmq::rpc {

ReplyContext::ReplyContext(reactor::Reactor& reactor, reactor::ConnectionId connection,
                           const remoting::RemotingCommand& request)
    : reactor_(&reactor),
      connection_(connection),
      opaque_(request.opaque),
      serialize_type_(request.serialize_type),
      oneway_(request.is_oneway()),
      answered_(request.is_oneway()) {
  if (answered_) return;
  if (Channel* channel = Channel::find(reactor, connection)) channel->request_opened();
}

ReplyContext::ReplyContext(reactor::Reactor& reactor, ReplySink& sink, const remoting::RemotingCommand& request)
    : reactor_(&reactor),
      sink_(&sink),
      opaque_(request.opaque),
      serialize_type_(request.serialize_type),
      oneway_(request.is_oneway()),
      answered_(request.is_oneway()) {}

ReplyContext::ReplyContext(ReplyContext&& other) noexcept
    : reactor_(other.reactor_),
      sink_(other.sink_),
      connection_(other.connection_),
      opaque_(other.opaque_),
      serialize_type_(other.serialize_type_),
      oneway_(other.oneway_),
      answered_(other.answered_) {
  other.answered_ = true;  // the moved-from context owes nothing
}

ReplyContext& ReplyContext::operator=(ReplyContext&& other) noexcept {
  if (this != &other) {
    release();
    reactor_ = other.reactor_;
    sink_ = other.sink_;
    connection_ = other.connection_;
    opaque_ = other.opaque_;
    serialize_type_ = other.serialize_type_;
    oneway_ = other.oneway_;
    answered_ = other.answered_;
    other.answered_ = true;
  }
  return *this;
}

ReplyContext::~ReplyContext() { release(); }

void ReplyContext::release() {
  if (answered_) return;
  answered_ = true;
  // Off any core (state torn down after the engine stopped) there is no channel left to tell.
  reactor::Reactor* current = reactor::Reactor::current();
  if (current == nullptr) return;
  RINGMQ_ASSERT(current == reactor_);  // a reply context never changes cores
  if (sink_ != nullptr) return;  // no connection counts this request
  if (Channel* channel = Channel::find(*reactor_, connection_)) channel->request_closed();
}

bool ReplyContext::connection_open() const {
  if (reactor_ == nullptr) return false;
  if (sink_ != nullptr) return true;
  const reactor::Connection* conn = reactor_->find(connection_);
  return conn != nullptr && conn->is_open();
}

void ReplyContext::prepare(remoting::RemotingCommand& response) const {
  response.opaque = opaque_;
  response.flag = (response.flag | remoting::kFlagResponse) & ~remoting::kFlagOneway;
  response.serialize_type = serialize_type_;
}

Status ReplyContext::reply(remoting::RemotingCommand response) {
  if (oneway_) return {};  // the sender expects nothing, not even an error
  if (answered_) return make_error(Errc::invalid_argument, "request already answered");
  release();
  if (sink_ != nullptr) {
    prepare(response);
    sink_->on_reply(std::move(response), {});
    return {};
  }
  Channel* channel = Channel::find(*reactor_, connection_);
  if (channel == nullptr || !channel->connection().is_open())
    return make_error(Errc::closed, "connection closed before the reply; reply dropped");
  prepare(response);
  return channel->send_command(response);
}

Status ReplyContext::reply(std::int32_t code, std::optional<std::string> remark) {
  remoting::RemotingCommand response;
  response.code = code;
  response.remark = std::move(remark);
  return reply(std::move(response));
}

Status ReplyContext::reply_borrowed(remoting::RemotingCommand header, Bytes body, reactor::SendDone done) {
  if (oneway_) return {};
  if (answered_) return make_error(Errc::invalid_argument, "request already answered");
  release();
  if (sink_ != nullptr) {
    prepare(header);
    sink_->on_reply(std::move(header), std::span<const Bytes>(&body, 1));
    done(Status{});  // the sink has read the body: the memory is free again
    return {};
  }
  Channel* channel = Channel::find(*reactor_, connection_);
  if (channel == nullptr || !channel->connection().is_open())
    return make_error(Errc::closed, "connection closed before the reply; reply dropped");
  prepare(header);
  return channel->send_with_borrowed_body(header, body, std::move(done));
}

Status ReplyContext::reply_borrowed(remoting::RemotingCommand header, std::span<const Bytes> slices,
                                    std::shared_ptr<const void> keep) {
  if (oneway_) return {};
  if (answered_) return make_error(Errc::invalid_argument, "request already answered");
  release();
  prepare(header);
  if (sink_ != nullptr) {
    sink_->on_reply(std::move(header), slices);
    return {};
  }
  Channel* channel = Channel::find(*reactor_, connection_);
  if (channel == nullptr || !channel->connection().is_open())
    return make_error(Errc::closed, "connection closed before the reply; reply dropped");
  return channel->send_with_borrowed_slices(header, slices, std::move(keep));
}

}  // namespace ringmq::rpc
