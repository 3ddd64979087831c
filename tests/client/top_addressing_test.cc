#include "client/top_addressing.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "client/client_instance.h"

using namespace ringmq::client;

namespace {

// A one-thread HTTP server on 127.0.0.1 answering every request with `body()` (or a status).
class AddressServer {
 public:
  AddressServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    REQUIRE(::listen(fd_, 16) == 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~AddressServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string domain() const { return "127.0.0.1:" + std::to_string(port_); }
  void set(std::string status, std::string body) {
    std::lock_guard lock(mutex_);
    status_ = std::move(status);
    body_ = std::move(body);
  }
  std::string last_path() {
    std::lock_guard lock(mutex_);
    return last_path_;
  }

 private:
  void serve() {
    while (!stop_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[2048];
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      std::string response;
      {
        std::lock_guard lock(mutex_);
        const std::string req(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
        const auto sp = req.find(' ');
        last_path_ = req.substr(sp + 1, req.find(' ', sp + 1) - sp - 1);
        response = "HTTP/1.1 " + status_ + "\r\nContent-Length: " + std::to_string(body_.size()) +
                   "\r\nConnection: close\r\n\r\n" + body_;
      }
      ::send(c, response.data(), response.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::string status_ = "200 OK";
  std::string body_;
  std::string last_path_;
  std::thread thread_;
};

}  // namespace

TEST_CASE("top_addressing: the address server URL is MixAll.getWSAddr's") {
  CHECK(ws_addr("jmenv.tbsite.net") == "http://jmenv.tbsite.net:8080/rocketmq/nsaddr");
  CHECK(ws_addr("10.0.0.1:9000", "unit1") == "http://10.0.0.1:9000/rocketmq/unit1");
}

TEST_CASE("top_addressing: fetch returns the trimmed list and refuses other statuses") {
  AddressServer server;
  server.set("200 OK", "  127.0.0.1:9876;127.0.0.2:9876\n");
  auto list = fetch_namesrv_addr(ws_addr(server.domain()));
  REQUIRE(list.ok());
  CHECK(*list == "127.0.0.1:9876;127.0.0.2:9876");
  CHECK(server.last_path() == "/rocketmq/nsaddr");
  server.set("404 Not Found", "no");
  CHECK(!fetch_namesrv_addr(ws_addr(server.domain())).ok());
  CHECK(!fetch_namesrv_addr("ftp://x/y").ok());
}

TEST_CASE("top_addressing: a client without an address follows the address server's list") {
  ::unsetenv("NAMESRV_ADDR");
  AddressServer server;
  server.set("200 OK", "127.0.0.1:19001");
  ClientConfig config;
  config.namesrv_domain = server.domain();
  config.namesrv_fetch_interval_ms = 100;
  auto instance = ClientInstance::create(config);
  REQUIRE(instance.ok());
  CHECK((*instance)->namesrv_addrs() == std::vector<std::string>{"127.0.0.1:19001"});
  server.set("200 OK", "127.0.0.1:19002;127.0.0.1:19003");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((*instance)->namesrv_addrs().size() != 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK((*instance)->namesrv_addrs() == std::vector<std::string>{"127.0.0.1:19002", "127.0.0.1:19003"});
  (*instance)->shutdown();
}

TEST_CASE("top_addressing: a configured address or $NAMESRV_ADDR wins over the address server") {
  AddressServer server;
  server.set("200 OK", "127.0.0.1:19001");
  ClientConfig config;
  config.namesrv_domain = server.domain();
  config.namesrv_addr = "127.0.0.1:19999";
  auto coded = ClientInstance::create(config);
  REQUIRE(coded.ok());
  CHECK((*coded)->namesrv_addrs() == std::vector<std::string>{"127.0.0.1:19999"});
  (*coded)->shutdown();
  config.namesrv_addr.clear();
  ::setenv("NAMESRV_ADDR", "127.0.0.1:19888", 1);
  auto from_env = ClientInstance::create(config);
  ::unsetenv("NAMESRV_ADDR");
  REQUIRE(from_env.ok());
  CHECK((*from_env)->namesrv_addrs() == std::vector<std::string>{"127.0.0.1:19888"});
  (*from_env)->shutdown();
}
