// Socket helpers for the reactor: address parsing, listening sockets (SO_REUSEPORT, one per core on
// the same address and port) and small option setters. Plain blocking system calls: they run at
// start-up or once per connection, never per I/O.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmq::reactor {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  // "127.0.0.1:9876" or "[::1]:9876".
  std::string to_string() const;
};

// Numeric IPv4/IPv6 text, "localhost", "0.0.0.0", or a host name (resolved with getaddrinfo,
// which blocks: meant for configuration-time addresses such as NameServer lists).
Result<SocketAddress> resolve_address(std::string_view host, std::uint16_t port);
// Splits "host:port" (or "[v6]:port") and resolves it.
Result<SocketAddress> resolve_host_port(std::string_view host_port);

// Closes the listening sockets it still owns on destruction.
struct ListenSockets {
  std::vector<int> fds;    // one per core, all bound to the same address and port
  std::uint16_t port = 0;  // the bound port (the kernel's choice when 0 was asked for)

  ListenSockets() = default;
  ListenSockets(ListenSockets&& other) noexcept : fds(std::move(other.fds)), port(other.port) { other.fds.clear(); }
  ListenSockets& operator=(ListenSockets&&) = delete;
  ListenSockets(const ListenSockets&) = delete;
  ~ListenSockets();
  // Hands fd `i` to its new owner (a core's listener); the destructor no longer closes it.
  int release(std::size_t i);
};

// Opens `count` listening sockets with SO_REUSEPORT on one address. With port 0 the first socket
// takes an ephemeral port and the others bind the same one, so every core listens on it.
Result<ListenSockets> open_listen_sockets(std::string_view host, std::uint16_t port, std::size_t count);

// The local port a socket is bound to.
Result<std::uint16_t> local_port(int fd);
// "ip:port" of the peer, or "?" when the socket has none.
std::string peer_name(int fd);
// Whether the connected peer of `fd` is a loopback address (127.0.0.0/8, ::1, or v4-mapped
// loopback). False when it cannot be told.
bool peer_is_loopback(int fd);
// Disables Nagle: request/response traffic wants each frame on the wire at once.
void set_tcp_nodelay(int fd);

}  // namespace ringmq::reactor
