#include "reactor/sockets.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "base/log.h"
#include "reactor/limits.h"

namespace ringmq::reactor {

std::string SocketAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = "?";
  if (storage.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    return fmt::format("{}:{}", text, ntohs(in->sin_port));
  }
  if (storage.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    return fmt::format("[{}]:{}", text, ntohs(in6->sin6_port));
  }
  return "?";
}

Result<SocketAddress> resolve_address(std::string_view host, std::uint16_t port) {
  SocketAddress address;
  std::string name(host);
  if (name.empty() || name == "localhost") name = "127.0.0.1";
  auto* in = reinterpret_cast<sockaddr_in*>(&address.storage);
  if (::inet_pton(AF_INET, name.c_str(), &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    address.length = sizeof(sockaddr_in);
    return address;
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
  if (::inet_pton(AF_INET6, name.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    address.length = sizeof(sockaddr_in6);
    return address;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &found);
  if (rc != 0 || found == nullptr)
    return make_error(Errc::not_found, fmt::format("cannot resolve {}: {}", name, ::gai_strerror(rc)));
  std::memcpy(&address.storage, found->ai_addr, found->ai_addrlen);
  address.length = found->ai_addrlen;
  ::freeaddrinfo(found);
  if (address.storage.ss_family == AF_INET) in->sin_port = htons(port);
  else in6->sin6_port = htons(port);
  return address;
}

Result<SocketAddress> resolve_host_port(std::string_view host_port) {
  const std::size_t colon = host_port.rfind(':');
  if (colon == std::string_view::npos)
    return make_error(Errc::invalid_argument, fmt::format("address '{}' has no port", host_port));
  std::string_view host = host_port.substr(0, colon);
  const std::string_view port_text = host_port.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
    return make_error(Errc::invalid_argument, fmt::format("address '{}' has a bad port", host_port));
  return resolve_address(host, static_cast<std::uint16_t>(port));
}

ListenSockets::~ListenSockets() {
  for (int fd : fds)
    if (fd >= 0) ::close(fd);
}

int ListenSockets::release(std::size_t i) {
  const int fd = fds.at(i);
  fds[i] = -1;
  return fd;
}

namespace {

Result<int> open_one_listener(const SocketAddress& address) {
  const int fd = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return make_sys_error(errno, "socket");
  const int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    const int err = errno;
    ::close(fd);
    return make_sys_error(err, "setsockopt SO_REUSEPORT");
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0) {
    const int err = errno;
    ::close(fd);
    return make_sys_error(err, fmt::format("bind {}", address.to_string()));
  }
  if (::listen(fd, kListenBacklog) != 0) {
    const int err = errno;
    ::close(fd);
    return make_sys_error(err, fmt::format("listen {}", address.to_string()));
  }
  return fd;
}

void set_port(SocketAddress& address, std::uint16_t port) {
  if (address.storage.ss_family == AF_INET) reinterpret_cast<sockaddr_in*>(&address.storage)->sin_port = htons(port);
  else reinterpret_cast<sockaddr_in6*>(&address.storage)->sin6_port = htons(port);
}

}  // namespace

Result<ListenSockets> open_listen_sockets(std::string_view host, std::uint16_t port, std::size_t count) {
  if (count == 0) return make_error(Errc::invalid_argument, "open_listen_sockets: count is 0");
  RINGMQ_TRY_ASSIGN(SocketAddress address, resolve_address(host, port));
  ListenSockets sockets;
  sockets.fds.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    RINGMQ_TRY_ASSIGN(int fd, open_one_listener(address));
    sockets.fds.push_back(fd);
    if (i == 0) {
      // An ephemeral port is chosen by the first bind; the others must share it.
      RINGMQ_TRY_ASSIGN(sockets.port, local_port(fd));
      set_port(address, sockets.port);
    }
  }
  return sockets;
}

Result<std::uint16_t> local_port(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return make_sys_error(errno, "getsockname");
  if (storage.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  if (storage.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
  return make_error(Errc::unsupported, "getsockname: not an inet socket");
}

std::string peer_name(int fd) {
  SocketAddress address;
  address.length = sizeof address.storage;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address.storage), &address.length) != 0) return "?";
  return address.to_string();
}

bool peer_is_loopback(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return false;
  if (storage.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (storage.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) return true;
    return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

void set_tcp_nodelay(int fd) {
  const int one = 1;
  // Failure only costs latency (e.g. a socket that is not TCP), so it is not an error.
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace ringmq::reactor
