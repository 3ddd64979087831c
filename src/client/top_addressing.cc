#include "client/top_addressing.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace ringmq::client {

std::string ws_addr(std::string_view domain, std::string_view subgroup) {
  if (domain.find(':') != std::string_view::npos) return fmt::format("http://{}/rocketmq/{}", domain, subgroup);
  return fmt::format("http://{}:8080/rocketmq/{}", domain, subgroup);
}

namespace {

struct Url {
  std::string host;
  std::string port = "80";
  std::string path = "/";
};

Result<Url> parse_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return make_error(Errc::invalid_argument, "address server '" + url + "': not http://");
  Url u;
  const std::string rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) u.path = rest.substr(slash);
  const std::size_t colon = authority.rfind(':');
  u.host = authority.substr(0, colon);
  if (colon != std::string::npos) u.port = authority.substr(colon + 1);
  if (u.host.empty()) return make_error(Errc::invalid_argument, "address server '" + url + "': no host");
  return u;
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

Result<int> connect_to(const Url& u, std::int64_t timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (int rc = ::getaddrinfo(u.host.c_str(), u.port.c_str(), &hints, &list); rc != 0) {
    return make_error(Errc::io, fmt::format("address server {}: {}", u.host, gai_strerror(rc)));
  }
  Error last = make_error(Errc::io, "address server " + u.host + ": no address");
  for (addrinfo* a = list; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    timeval tv{static_cast<time_t>(timeout_ms / 1000), static_cast<suseconds_t>(timeout_ms % 1000 * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      ::freeaddrinfo(list);
      return fd;
    }
    last = make_sys_error(errno, "connect to address server " + u.host + ":" + u.port);
    ::close(fd);
  }
  ::freeaddrinfo(list);
  return last;
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

Result<std::string> fetch_namesrv_addr(const std::string& url, std::int64_t timeout_ms) {
  RINGMQ_TRY_ASSIGN(Url u, parse_url(url));
  RINGMQ_TRY_ASSIGN(int fd, connect_to(u, timeout_ms));
  Socket socket(fd);
  const std::string request =
      fmt::format("GET {} HTTP/1.0\r\nHost: {}:{}\r\nAccept: text/plain\r\nConnection: close\r\n\r\n", u.path, u.host, u.port);
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    return make_sys_error(errno, "address server " + url + ": send");
  }
  std::string response;
  char buf[4096];
  while (true) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return make_error(Errc::timeout, "address server " + url + ": timed out");
      return make_sys_error(errno, "address server " + url + ": recv");
    }
    response.append(buf, static_cast<std::size_t>(n));
    if (response.size() > kNamesrvFetchBytesMax) return make_error(Errc::too_large, "address server " + url + ": answer too large");
  }
  const std::size_t head_end = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) {
    return make_error(Errc::malformed, "address server " + url + ": not an HTTP response");
  }
  const std::string status = response.substr(9, 3);
  if (status != "200") return make_error(Errc::malformed, "address server " + url + ": HTTP " + status);
  return trim(std::string_view(response).substr(head_end + 4));
}

}  // namespace ringmq::client
