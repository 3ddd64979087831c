#include "reactor/connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "base/log.h"
#include "reactor/reactor.h"

namespace ringmq::reactor {

Connection::Connection(Reactor& reactor, std::uint32_t slot) : reactor_(&reactor), slot_(slot) {
  recv_op_ = IoOp{&Connection::on_recv_complete, this};
  send_op_ = IoOp{&Connection::on_send_complete, this};
  connect_op_ = IoOp{&Connection::on_connect_complete, this};
}

ConnectionId Connection::id() const { return ConnectionId{(static_cast<std::uint64_t>(generation_) << 32) | slot_}; }

void Connection::open_accepted(int fd, ConnectionHandler& handler) {
  RINGMQ_ASSERT(state_ == State::free && fd >= 0);
  fd_ = fd;
  handler_ = &handler;
  outgoing_ = false;
  state_ = State::open;
  peer_ = peer_name(fd);
  zero_copy_allowed_ = reactor_->zerocopy_to_loopback_ || !peer_is_loopback(fd);
  set_tcp_nodelay(fd);
  arm_recv();
  opened_ = true;
  handler_->on_open(*this);
}

void Connection::begin_connect(int fd, const SocketAddress& address, ConnectionHandler& handler, ConnectDone done) {
  RINGMQ_ASSERT(state_ == State::free && fd >= 0);
  fd_ = fd;
  handler_ = &handler;
  outgoing_ = true;
  state_ = State::connecting;
  connect_address_ = address;
  peer_ = address.to_string();
  connect_done_ = std::move(done);
  connect_timeout_.tv_sec = kConnectTimeoutMs / 1000;
  connect_timeout_.tv_nsec = (kConnectTimeoutMs % 1000) * 1000000;
  // The connect and its linked timeout must sit next to each other in the SQ.
  reactor_->ensure_sqes(2);
  io_uring_sqe* sqe = reactor_->get_sqe();
  io_uring_prep_connect(sqe, fd_, reinterpret_cast<const sockaddr*>(&connect_address_.storage),
                        connect_address_.length);
  sqe->flags |= IOSQE_IO_LINK;
  set_op(sqe, connect_op_);
  sqe = reactor_->get_sqe();
  io_uring_prep_link_timeout(sqe, &connect_timeout_, 0);
  io_uring_sqe_set_data64(sqe, kIgnoredUserData);
  connect_in_flight_ = true;
}

void Connection::arm_recv() {
  RINGMQ_ASSERT(!recv_armed_);
  io_uring_sqe* sqe = reactor_->get_sqe();
  io_uring_prep_recv_multishot(sqe, fd_, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = reactor_->buffers_.group_id();
  set_op(sqe, recv_op_);
  recv_armed_ = true;
}

void Connection::on_recv_complete(IoOp& op, const io_uring_cqe& cqe) {
  static_cast<Connection*>(op.owner)->handle_recv(cqe.res, cqe.flags);
}

void Connection::handle_recv(int res, std::uint32_t flags) {
  const bool more = (flags & IORING_CQE_F_MORE) != 0;
  if (!more) recv_armed_ = false;
  if ((flags & IORING_CQE_F_BUFFER) != 0) {
    const auto buffer_id = static_cast<std::uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT);
    if (res > 0 && state_ == State::open) handler_->on_data(*this, reactor_->buffers_.data(buffer_id, res));
    reactor_->buffers_.recycle(buffer_id);
  }
  if (state_ != State::open) return;  // closing: the completion only retires the operation
  if (res > 0) {
    // The kernel may end a multishot recv at any time; keep receiving.
    if (!more) arm_recv();
    return;
  }
  if (res == -ENOBUFS) {
    // Every provided buffer is in use; re-arm at the end of this pass, after they are returned.
    if (!more) reactor_->queue_rearm(*this);
    return;
  }
  if (res == 0) {
    close(make_error(Errc::closed, "peer closed the connection"));
  } else {
    close(make_sys_error(-res, "recv"));
  }
}

Connection::SendItem& Connection::new_owned_item(std::size_t reserve_bytes) {
  SendItem& item = items_.emplace_back();
  if (!spare_buffers_.empty()) {
    item.owned = std::move(spare_buffers_.back());
    spare_buffers_.pop_back();
  }
  // Heap storage (never the small-string buffer) keeps the bytes in place while items_ moves.
  item.owned.reserve(std::max(reserve_bytes, kSendBufferBytesMin));
  return item;
}

Status Connection::send(Bytes bytes) {
  if (state_ != State::open) return make_error(Errc::closed, "send on a closed connection");
  if (bytes.empty()) return {};
  if (queued_bytes_ + bytes.size() > kSendQueueBytesMax) return make_error(Errc::busy, "send queue full");
  const std::size_t first_free = send_head_ + (send_in_flight_ ? inflight_items_ : 0);
  SendItem* tail = items_.size() > first_free ? &items_.back() : nullptr;
  if (tail == nullptr || tail->is_borrowed || held_by_zero_copy(*tail) ||
      tail->owned.size() + bytes.size() > kSendCoalesceBytesMax)
    tail = &new_owned_item(bytes.size());
  tail->owned.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  queued_bytes_ += bytes.size();
  reactor_->queue_flush(*this);
  return {};
}

Status Connection::send(std::string&& bytes) {
  if (bytes.capacity() < kSendBufferBytesMin || bytes.size() < kSendBufferBytesMin) return send(as_bytes(bytes));
  if (state_ != State::open) return make_error(Errc::closed, "send on a closed connection");
  if (queued_bytes_ + bytes.size() > kSendQueueBytesMax) return make_error(Errc::busy, "send queue full");
  queued_bytes_ += bytes.size();
  SendItem& item = items_.emplace_back();
  item.owned = std::move(bytes);
  reactor_->queue_flush(*this);
  return {};
}

Status Connection::send_borrowed(Bytes bytes, SendDone done) {
  RINGMQ_ASSERT(static_cast<bool>(done));
  if (state_ != State::open) return make_error(Errc::closed, "send on a closed connection");
  if (queued_bytes_ + bytes.size() > kSendQueueBytesMax) return make_error(Errc::busy, "send queue full");
  queued_bytes_ += bytes.size();
  SendItem& item = items_.emplace_back();
  item.is_borrowed = true;
  item.borrowed = bytes;
  item.done = std::move(done);
  reactor_->queue_flush(*this);
  return {};
}

std::size_t Connection::borrowed_bytes_in(std::size_t first, std::size_t count) const {
  std::size_t bytes = 0;
  for (std::size_t i = first; i < first + count; ++i)
    if (items_[i].is_borrowed) bytes += items_[i].size() - items_[i].offset;
  return bytes;
}

void Connection::flush() {
  if (state_ != State::open || send_in_flight_ || send_head_ == items_.size()) return;
  std::size_t n = 0;
  for (std::size_t i = send_head_; i < items_.size() && n < kSendIovecsMax; ++i, ++n) {
    const SendItem& item = items_[i];
    iov_[n].iov_base = const_cast<std::uint8_t*>(item.data() + item.offset);
    iov_[n].iov_len = item.size() - item.offset;
  }
  inflight_items_ = n;
  msg_ = msghdr{};
  msg_.msg_iov = iov_.data();
  msg_.msg_iovlen = n;
  Reactor::ZeroCopySend* zc = nullptr;
  const std::size_t threshold = reactor_->zerocopy_send_min_bytes_;
  if (zero_copy_allowed_ && threshold > 0 && borrowed_bytes_in(send_head_, n) >= threshold)
    zc = reactor_->acquire_zero_copy_send();
  io_uring_sqe* sqe = reactor_->get_sqe();
  if (zc == nullptr) {
    io_uring_prep_sendmsg(sqe, fd_, &msg_, MSG_NOSIGNAL);
    set_op(sqe, send_op_);
  } else {
    io_uring_prep_sendmsg_zc(sqe, fd_, &msg_, MSG_NOSIGNAL);
    ++reactor_->stats_.zero_copy_sends;
    zc->op = IoOp{&Connection::on_zero_copy_send_complete, zc};
    zc->connection = id();
    // The kernel reads every iovec of the send, owned buffers included, until the notification.
    for (std::size_t i = send_head_; i < send_head_ + n; ++i) items_[i].hold = ZeroCopyHold{zc, zc->generation};
    set_op(sqe, zc->op);
  }
  send_in_flight_ = true;
}

void Connection::on_send_complete(IoOp& op, const io_uring_cqe& cqe) {
  static_cast<Connection*>(op.owner)->handle_send_result(cqe.res);
}

void Connection::on_zero_copy_send_complete(IoOp& op, const io_uring_cqe& cqe) {
  auto& zc = *static_cast<Reactor::ZeroCopySend*>(op.owner);
  Reactor& reactor = *Reactor::current();  // completions run on the ring's own thread
  if (cqe.flags & IORING_CQE_F_NOTIF) return reactor.finish_zero_copy_send(zc);
  // The send's result. Its connection cannot have finished closing: a send in flight holds it.
  Connection* conn = reactor.find(zc.connection);
  RINGMQ_ASSERT(conn != nullptr && conn->send_in_flight_);
  const bool notification_follows = (cqe.flags & IORING_CQE_F_MORE) != 0;
  if (cqe.res == -EINVAL || cqe.res == -EOPNOTSUPP) {
    // This kernel or socket cannot send zero-copy: copy from now on, and resend the same items.
    log_warn("core {}: zero-copy send refused ({}); sending with copies", reactor.core_, std::strerror(-cqe.res));
    reactor.zerocopy_send_min_bytes_ = 0;
    conn->send_in_flight_ = false;
    conn->inflight_items_ = 0;
    if (!notification_follows) reactor.finish_zero_copy_send(zc);
    if (conn->state_ == State::open) reactor.queue_flush(*conn);
    return;
  }
  // Items finished by this send join the record (it is pending until released below or notified).
  conn->handle_send_result(cqe.res);
  if (!notification_follows) reactor.finish_zero_copy_send(zc);
}

void Connection::handle_send_result(int res) {
  send_in_flight_ = false;
  inflight_items_ = 0;
  if (state_ != State::open) return;
  if (res < 0) {
    close(make_sys_error(-res, "send"));
    return;
  }
  consume_sent(static_cast<std::size_t>(res));
  if (state_ == State::open && send_head_ != items_.size()) reactor_->queue_flush(*this);
}

bool Connection::held_by_zero_copy(const SendItem& item) const {
  return reactor_->zero_copy_send_pending(static_cast<Reactor::ZeroCopySend*>(item.hold.send), item.hold.generation);
}

void Connection::finish_item(SendItem& item, SendDone done, const Status& status) {
  if (!held_by_zero_copy(item)) {
    if (done) done(status);
    return;
  }
  // Notifications of one socket's zero-copy sends come in order (TCP frees its buffers in sequence
  // order), so the latest zero-copy send that carried the item releases it last.
  auto& zc = *static_cast<Reactor::ZeroCopySend*>(item.hold.send);
  if (done) zc.done.emplace_back(std::move(done), status);
  if (!item.is_borrowed) zc.buffers.push_back(std::move(item.owned));
}

void Connection::consume_sent(std::size_t bytes) {
  while (send_head_ < items_.size()) {
    SendItem& item = items_[send_head_];
    const std::size_t remaining = item.size() - item.offset;
    if (bytes < remaining) {
      item.offset += bytes;
      break;
    }
    bytes -= remaining;
    queued_bytes_ -= item.size();
    SendDone done = std::move(item.done);
    // A buffer a zero-copy send still reads goes to that send instead of being reused.
    const bool held = held_by_zero_copy(item);
    if (!item.is_borrowed && !held && spare_buffers_.size() < kSpareSendBuffersMax &&
        item.owned.capacity() <= kSendCoalesceBytesMax) {
      item.owned.clear();
      spare_buffers_.push_back(std::move(item.owned));
    }
    ++send_head_;
    // May queue more sends (items_ may grow): nothing below uses `item` after the call.
    finish_item(item, std::move(done), Status{});
  }
  if (send_head_ == items_.size()) {
    items_.clear();
    send_head_ = 0;
  } else if (send_head_ >= 64 && send_head_ * 2 >= items_.size()) {
    items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(send_head_));
    send_head_ = 0;
  }
}

void Connection::on_connect_complete(IoOp& op, const io_uring_cqe& cqe) {
  static_cast<Connection*>(op.owner)->handle_connect(cqe.res);
}

void Connection::handle_connect(int res) {
  connect_in_flight_ = false;
  if (state_ != State::connecting) return;  // closed meanwhile: finish_close reports it
  if (res < 0) {
    // The linked timeout cancels a connect that takes too long.
    close(res == -ECANCELED ? make_error(Errc::timeout, fmt::format("connect {} timed out", peer_))
                            : make_sys_error(-res, fmt::format("connect {}", peer_)));
    return;
  }
  state_ = State::open;
  ++reactor_->stats_.connected;
  zero_copy_allowed_ = reactor_->zerocopy_to_loopback_ || !peer_is_loopback(fd_);
  set_tcp_nodelay(fd_);
  arm_recv();
  opened_ = true;
  handler_->on_open(*this);
  ConnectDone done = std::move(connect_done_);
  done(id());
}

void Connection::close(Error reason) {
  if (state_ != State::open && state_ != State::connecting) return;
  state_ = State::closing;
  close_reason_ = std::move(reason);
  // shutdown() ends a pending recv (it completes with 0) and any waiting send at once; the cancel
  // covers operations that are not waiting on the socket.
  (void)::shutdown(fd_, SHUT_RDWR);
  if (ops_in_flight()) reactor_->cancel_fd(fd_);
  reactor_->queue_close(*this);
}

void Connection::fail_pending_sends() {
  // Take the queue first: a completion may try to send again (and fail, the state is closing).
  std::vector<SendItem> pending = std::move(items_);
  const std::size_t head = send_head_;
  items_.clear();
  send_head_ = 0;
  queued_bytes_ = 0;
  // A borrowed item a zero-copy send still reads waits for that send's notification.
  for (std::size_t i = head; i < pending.size(); ++i)
    finish_item(pending[i], std::move(pending[i].done), close_reason_);
}

void Connection::finish_close() {
  RINGMQ_ASSERT(state_ == State::closing && !ops_in_flight());
  fail_pending_sends();
  ::close(fd_);
  fd_ = -1;
  if (opened_) {
    handler_->on_close(*this, close_reason_);
  } else if (connect_done_) {
    ConnectDone done = std::move(connect_done_);
    done(close_reason_);
  }
  state_ = State::free;
  opened_ = false;
  handler_ = nullptr;
  context_ = nullptr;
  close_reason_ = Error{};
  ++generation_;
  if (generation_ == 0) generation_ = 1;
}

}  // namespace ringmq::reactor
