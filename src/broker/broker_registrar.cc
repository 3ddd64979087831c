#include "broker/broker_registrar.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "base/bytes.h"
#include "base/log.h"
#include "reactor/sockets.h"
#include "remoting/codec.h"
#include "remoting/response_code.h"

namespace ringmq::broker {
namespace {

Status send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_sys_error(errno, "send to NameServer");
    }
    sent += static_cast<std::size_t>(n);
  }
  return {};
}

Status recv_exact(int fd, std::uint8_t* out, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::recv(fd, out + got, n - got, 0);
    if (r == 0) return make_error(Errc::closed, "NameServer closed the connection");
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return make_error(Errc::timeout, "NameServer did not answer");
      return make_sys_error(errno, "recv from NameServer");
    }
    got += static_cast<std::size_t>(r);
  }
  return {};
}

Result<remoting::RemotingCommand> read_frame(int fd) {
  std::uint8_t prefix[remoting::kLengthPrefixBytes];
  RINGMQ_TRY(recv_exact(fd, prefix, sizeof prefix));
  const std::uint32_t length = load_be32(prefix);
  if (length + remoting::kLengthPrefixBytes > remoting::kFrameBytesMax) {
    return make_error(Errc::malformed, "NameServer frame too large");
  }
  std::string frame(remoting::kLengthPrefixBytes + length, '\0');
  std::copy(prefix, prefix + sizeof prefix, frame.begin());
  RINGMQ_TRY(recv_exact(fd, reinterpret_cast<std::uint8_t*>(frame.data()) + sizeof prefix, length));
  return remoting::decode_frame(as_bytes(frame));
}

}  // namespace

BrokerRegistrar::BrokerRegistrar(BrokerIdentity identity, std::vector<std::string> namesrv_addrs, int period_ms)
    : identity_(std::move(identity)), period_ms_(std::clamp(period_ms, kRegisterPeriodMinMs, kRegisterPeriodMaxMs)) {
  for (auto& a : namesrv_addrs) peers_.push_back(Peer{std::move(a)});
}

BrokerRegistrar::~BrokerRegistrar() { stop(false); }

void BrokerRegistrar::start(TopicSnapshotPtr topics) {
  {
    std::lock_guard lock(mutex_);
    topics_ = std::move(topics);
    dirty_ = true;
  }
  if (!peers_.empty()) thread_ = std::thread([this] { run(); });
}

void BrokerRegistrar::update(TopicSnapshotPtr topics) {
  {
    std::lock_guard lock(mutex_);
    topics_ = std::move(topics);
    dirty_ = true;
  }
  cv_.notify_one();
}

void BrokerRegistrar::stop(bool unregister) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  for (auto& peer : peers_) {
    if (unregister) {
      auto request = make_unregister_broker_request(identity_);
      auto r = call(peer, request);
      if (r.ok()) log_info("unregistered from NameServer {}", peer.addr);
      else log_warn("unregister from NameServer {} failed: {}", peer.addr, r.error().to_string());
    }
    close_peer(peer);
  }
}

void BrokerRegistrar::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!dirty_) {
      cv_.wait_for(lock, std::chrono::milliseconds(period_ms_), [this] { return dirty_ || stopping_; });
      if (stopping_) break;
    }
    dirty_ = false;
    TopicSnapshotPtr topics = topics_;
    lock.unlock();
    register_all(*topics);
    lock.lock();
  }
}

void BrokerRegistrar::register_all(const TopicSnapshot& topics) {
  for (auto& peer : peers_) {
    auto request = make_register_broker_request(identity_, topics);
    auto r = call(peer, request);
    if (!r.ok()) {
      log_warn("register with NameServer {} failed: {}", peer.addr, r.error().to_string());
    } else if (r->code != remoting::response_code::kSuccess) {
      log_warn("NameServer {} refused registration: code {} {}", peer.addr, r->code, r->remark.value_or(""));
    } else {
      log_debug("registered with NameServer {} ({} topics)", peer.addr, topics.topics.size());
    }
  }
}

Result<remoting::RemotingCommand> BrokerRegistrar::call(Peer& peer, remoting::RemotingCommand& request) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (peer.fd < 0) {
      if (auto st = connect_peer(peer); !st.ok()) return st.take_error();
    }
    request.opaque = peer.next_opaque++;
    std::string frame;
    RINGMQ_TRY(remoting::encode_frame(request, frame));
    auto sent = send_all(peer.fd, frame);
    if (sent.ok()) {
      while (true) {
        auto response = read_frame(peer.fd);
        if (!response.ok()) break;
        if (response->is_response() && response->opaque == request.opaque) return response;
      }
    }
    close_peer(peer);  // broken or silent: reconnect once
  }
  return make_error(Errc::closed, "no answer from NameServer " + peer.addr);
}

Status BrokerRegistrar::connect_peer(Peer& peer) {
  RINGMQ_TRY_ASSIGN(auto address, reactor::resolve_host_port(peer.addr));
  int fd = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return make_sys_error(errno, "socket");
  timeval tv{kNamesrvCallTimeoutMs / 1000, (kNamesrvCallTimeoutMs % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0) {
    int err = errno;
    ::close(fd);
    return make_sys_error(err, "connect to NameServer " + peer.addr);
  }
  peer.fd = fd;
  return {};
}

void BrokerRegistrar::close_peer(Peer& peer) {
  if (peer.fd >= 0) ::close(peer.fd);
  peer.fd = -1;
}

}  // namespace ringmq::broker
