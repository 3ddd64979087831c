// Connection: one TCP connection owned by one core. Bytes arrive through multishot recv into the
// core's provided buffers and are handed to the ConnectionHandler; bytes leave through a send queue
// that gathers everything queued during a loop iteration into one sendmsg, with at most one
// sendmsg in flight per connection.
//
// Ownership and lifetime: the core's Reactor owns every Connection (a slot pool, no allocation on
// the steady path). Only that core's thread may touch it. A Connection reference is valid until
// the handler's on_close returns; code that answers later (long polling) keeps a ConnectionId and
// looks it up with Reactor::find(), which returns nullptr once the connection is gone.
#pragma once

#include <liburing.h>
#include <sys/uio.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "reactor/inplace_function.h"
#include "reactor/io_op.h"
#include "reactor/limits.h"
#include "reactor/sockets.h"

namespace ringmq::reactor {

class Reactor;
class Connection;

// Names a connection on its core; a closed connection's id never matches a later one.
struct ConnectionId {
  std::uint64_t value = 0;
  bool valid() const { return value != 0; }
  friend bool operator==(ConnectionId a, ConnectionId b) { return a.value == b.value; }
};

// Called once a borrowed send is finished: ok when the kernel has taken every byte (the memory may
// be reused or unpinned), an error (Errc::closed) when the connection closed first. A borrowed
// send that went out zero-copy (limits.h kZeroCopySendBytesMinDefault) finishes when the kernel's
// notification says it no longer reads the memory, which may be after the connection's on_close.
using SendDone = InplaceFunction<void(const Status&), kTaskCaptureBytes>;
// Told the outcome of Reactor::connect(): the new connection's id, or why it failed.
using ConnectDone = InplaceFunction<void(Result<ConnectionId>), kTaskCaptureBytes>;

// Receives a connection's events, on the connection's core. One handler object usually serves all
// connections of a server on a core; per-connection state goes in Connection::set_context().
class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  // The connection is established (accepted, or an outgoing connect completed).
  virtual void on_open(Connection& conn) { (void)conn; }
  // Bytes received, valid only during the call (the buffer goes back to the kernel after it).
  // Not called after close().
  virtual void on_data(Connection& conn, Bytes data) = 0;
  // Called exactly once, after every pending send completion has run. The Connection is recycled
  // when this returns. `reason` says why (peer closed, reset, local close, shutdown).
  virtual void on_close(Connection& conn, const Error& reason) = 0;
};

class Connection {
 public:
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  ConnectionId id() const;
  Reactor& reactor() const { return *reactor_; }
  bool is_open() const { return state_ == State::open; }
  bool is_outgoing() const { return outgoing_; }
  // "ip:port" of the peer, for log lines.
  const std::string& peer() const { return peer_; }

  void set_handler(ConnectionHandler& handler) { handler_ = &handler; }
  // Opaque per-connection state of the handler; the reactor never touches it.
  void set_context(void* context) { context_ = context; }
  void* context() const { return context_; }

  // Queues a copy of `bytes`. Errc::closed once closing, Errc::busy past kSendQueueBytesMax.
  Status send(Bytes bytes);
  // Queues `bytes` without copying (small strings are copied into the coalescing buffer).
  Status send(std::string&& bytes);
  // Queues caller-owned memory (e.g. a mapped CommitLog slice) without copying. The memory must
  // stay valid until `done` runs; `done` runs exactly once, on this core, if and only if this call
  // returned ok.
  Status send_borrowed(Bytes bytes, SendDone done);
  std::size_t queued_send_bytes() const { return queued_bytes_; }

  // Closes the connection: queued bytes are dropped, pending borrowed sends complete with
  // Errc::closed, then on_close runs once (from the event loop, never from inside this call).
  // Idempotent.
  void close(Error reason);

 private:
  friend class Reactor;

  enum class State : std::uint8_t { free, connecting, open, closing };
  // Names a Reactor::ZeroCopySend record (an opaque pointer: the record type is the reactor's) and
  // the generation it had, so a hold on a record since released and reused finds it stale.
  struct ZeroCopyHold {
    void* send = nullptr;
    std::uint32_t generation = 0;
  };

  struct SendItem {
    std::string owned;  // used when `borrowed` is empty
    Bytes borrowed;
    SendDone done;
    std::size_t offset = 0;  // bytes already sent
    bool is_borrowed = false;
    // The last zero-copy send that carried bytes of this item: its `done` must wait for that
    // send's notification, even if a later (copying) send finishes the item, and an owned buffer
    // may not be appended to or reused before it.
    ZeroCopyHold hold;

    const std::uint8_t* data() const {
      return is_borrowed ? borrowed.data() : reinterpret_cast<const std::uint8_t*>(owned.data());
    }
    std::size_t size() const { return is_borrowed ? borrowed.size() : owned.size(); }
  };

  Connection(Reactor& reactor, std::uint32_t slot);

  // Reactor-side lifecycle.
  void open_accepted(int fd, ConnectionHandler& handler);
  void begin_connect(int fd, const SocketAddress& address, ConnectionHandler& handler, ConnectDone done);
  bool ops_in_flight() const { return recv_armed_ || send_in_flight_ || connect_in_flight_; }
  void arm_recv();
  void flush();
  // Runs once nothing is in flight; tells the handler (or the connect callback) and resets.
  void finish_close();

  static void on_recv_complete(IoOp& op, const io_uring_cqe& cqe);
  static void on_send_complete(IoOp& op, const io_uring_cqe& cqe);
  static void on_zero_copy_send_complete(IoOp& op, const io_uring_cqe& cqe);
  // The result of this connection's send in flight (copying or zero-copy).
  void handle_send_result(int res);
  // Runs a finished item's callback, or hands it to the zero-copy send that still reads the
  // item's memory (SendItem::hold), which runs it on its notification; an owned buffer such a send
  // still reads goes to it too.
  void finish_item(SendItem& item, SendDone done, const Status& status);
  // Whether a zero-copy send still reads this item's memory (it must not be changed or freed).
  bool held_by_zero_copy(const SendItem& item) const;
  // Borrowed bytes among the items the next sendmsg would carry.
  std::size_t borrowed_bytes_in(std::size_t first, std::size_t count) const;
  static void on_connect_complete(IoOp& op, const io_uring_cqe& cqe);
  void handle_recv(int res, std::uint32_t flags);
  void handle_connect(int res);
  void consume_sent(std::size_t bytes);
  SendItem& new_owned_item(std::size_t reserve_bytes);
  void fail_pending_sends();

  Reactor* reactor_;
  std::uint32_t slot_;
  std::uint32_t generation_ = 1;
  State state_ = State::free;
  bool outgoing_ = false;
  bool opened_ = false;  // on_open ran, so on_close is owed
  bool recv_armed_ = false;
  bool send_in_flight_ = false;
  bool connect_in_flight_ = false;
  bool flush_queued_ = false;
  bool zero_copy_allowed_ = false;  // the peer is not loopback (or the engine sends zero-copy there too)
  int fd_ = -1;
  ConnectionHandler* handler_ = nullptr;
  void* context_ = nullptr;
  std::string peer_;
  Error close_reason_;

  IoOp recv_op_;
  IoOp send_op_;
  IoOp connect_op_;

  // Send queue: items [send_head_, end) wait; the first inflight_items_ of them are in the
  // sendmsg in flight and must not change.
  std::vector<SendItem> items_;
  std::size_t send_head_ = 0;
  std::size_t inflight_items_ = 0;
  std::size_t queued_bytes_ = 0;
  std::vector<std::string> spare_buffers_;
  std::array<iovec, kSendIovecsMax> iov_{};
  msghdr msg_{};

  ConnectDone connect_done_;
  SocketAddress connect_address_;
  __kernel_timespec connect_timeout_{};
};

}  // namespace ringmq::reactor
