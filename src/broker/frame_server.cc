#include "broker/frame_server.h"

#include <arpa/inet.h>

#include <charconv>
#include <memory>

#include "base/log.h"
#include "remoting/codec.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

remoting::RemotingCommand make_response(const RequestRef& ref, std::int32_t code, std::string remark) {
  remoting::RemotingCommand r;
  r.code = code;
  r.opaque = ref.opaque;
  r.flag = remoting::kFlagResponse;
  r.serialize_type = ref.serialize_type;
  if (!remark.empty()) r.remark = std::move(remark);
  return r;
}

std::string encode_response_frame(const remoting::RemotingCommand& response) {
  std::string out;
  auto st = remoting::encode_frame(response, out);
  if (st.ok()) return out;
  log_warn("cannot encode the response to opaque {}: {}", response.opaque, st.error().to_string());
  auto fallback = response;
  fallback.code = remoting::response_code::kSystemError;
  fallback.remark = st.error().detail;
  fallback.body.clear();
  fallback.ext_fields.clear();
  out.clear();
  (void)remoting::encode_frame(fallback, out);
  return out;
}

void send_frame(reactor::Reactor& reactor, reactor::ConnectionId connection, std::string&& frame) {
  reactor::Connection* conn = reactor.find(connection);
  if (conn == nullptr || !conn->is_open()) return;  // the client left; nothing to answer
  if (auto st = conn->send(std::move(frame)); !st.ok()) {
    log_warn("reply to {} dropped: {}", conn->peer(), st.error().to_string());
    conn->close(st.take_error());
  }
}

namespace {
// "a.b.c.d:port" -> host-order IPv4 and port; zeros when it is not IPv4.
void parse_peer(const std::string& peer, ConnectionState& state) {
  auto colon = peer.rfind(':');
  if (colon == std::string::npos) return;
  in_addr addr{};
  if (inet_pton(AF_INET, peer.substr(0, colon).c_str(), &addr) != 1) return;
  state.peer_ipv4 = ntohl(addr.s_addr);
  std::from_chars(peer.data() + colon + 1, peer.data() + peer.size(), state.peer_port);
}
}  // namespace

void FrameServer::on_open(reactor::Connection& conn) {
  auto* state = new ConnectionState();
  parse_peer(conn.peer(), *state);
  conn.set_context(state);
}

void FrameServer::on_close(reactor::Connection& conn, const Error& reason) {
  (void)reason;
  sink_.on_connection_closed(conn);
  delete static_cast<ConnectionState*>(conn.context());
  conn.set_context(nullptr);
}

Result<std::size_t> FrameServer::consume(reactor::Connection& conn, ConnectionState& state, Bytes bytes) {
  std::size_t used = 0;
  while (conn.is_open()) {
    RINGMQ_TRY_ASSIGN(auto size, remoting::peek_frame_size(bytes.subspan(used)));
    if (!size || *size > bytes.size() - used) break;
    RINGMQ_TRY_ASSIGN(auto request, remoting::decode_frame(bytes.subspan(used, *size)));
    used += *size;
    if (request.is_response()) continue;  // no outgoing calls on these connections
    sink_.on_request(conn, state, std::move(request));
  }
  return used;
}

void FrameServer::on_data(reactor::Connection& conn, Bytes data) {
  auto* state = static_cast<ConnectionState*>(conn.context());
  Result<std::size_t> used = std::size_t{0};
  if (state->pending.empty()) {
    // Common case: whole frames straight from the receive buffer, no copy.
    used = consume(conn, *state, data);
    if (used.ok()) state->pending.assign(reinterpret_cast<const char*>(data.data()) + *used, data.size() - *used);
  } else {
    state->pending.append(reinterpret_cast<const char*>(data.data()), data.size());
    used = consume(conn, *state, as_bytes(state->pending));
    if (used.ok()) state->pending.erase(0, *used);
  }
  if (!used.ok()) {
    log_warn("closing {}: bad frame: {}", conn.peer(), used.error().to_string());
    conn.close(used.take_error());
  }
}

}  // namespace ringmq::broker
