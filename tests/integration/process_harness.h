// Real `ringmq` processes for the C++ integration tests (client_semantics, transaction,
// request_filter): each started with --log-level debug into a temp log file, its ports read from its
// startup lines, killed by PID when its Process goes out of scope; stores in temp dirs removed
// likewise. Header-only; one test binary includes it once.
#pragma once

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "client/producer.h"
#include "client/push_consumer.h"

namespace ringmq::it {

using client::ProducerConfig;
using client::PushConsumerConfig;

inline constexpr int kWaitListenMs = 15000;
inline constexpr int kWaitConsumeMs = 30000;
inline constexpr int kWaitStartMs = 30000;  // a child that has not reported its listening port by then failed
inline constexpr int kBindRetries = 5;      // fresh ports tried when a port chosen up front turns out taken

// A port that was free a moment ago. Only for the embedded NameServer of `ringmq standalone` (its
// broker registers with it by number, so it cannot be 0); the start is retried if it got taken.
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The port a startup log line reports ("... listening on 127.0.0.1:PORT", "broker X (IP:PORT in"),
// or 0 while the line is not there yet.
inline int reported_port(const std::string& log, const std::regex& line) {
  std::smatch m;
  return std::regex_search(log, m, line) ? std::stoi(m[1].str()) : 0;
}

inline const std::regex kBrokerReady(R"(broker \S+ \([^\s:]+:(\d+) in \S+\) serving )");
inline const std::regex kEmbeddedNamesrvReady(R"(embedded NameServer listening on [^\s:]+:(\d+)\n)");
inline const std::regex kNamesrvReady(R"(namesrv: listening on [^\s:]+:(\d+) )");
// A broker's first registration (a debug line), so a client finds its routes from the start.
inline const std::regex kRegistered(R"(registered with NameServer [^\s:]+:(\d+) )");

// A ringmq process, its output in a log file; killed by PID when it goes out of scope. The
// constructor returns once the child has logged that it listens (its ports are read from those
// lines), and fails the test with the child's log if it exits first or never gets there.
class Process {
 public:
  Process(std::vector<std::string> args, const std::string& name) {
    log_path_ = (std::filesystem::temp_directory_path() /
                 ("ringmq-it-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(++started_))).string();
    const char* bin = std::getenv("RINGMQ_BIN");
    std::vector<std::string> full{bin ? bin : "ringmq", "--log-level", "debug"};
    for (auto& a : args) full.push_back(std::move(a));
    pid_ = ::fork();
    if (pid_ == 0) {
      const int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (log >= 0) {
        ::dup2(log, STDOUT_FILENO);
        ::dup2(log, STDERR_FILENO);
      }
      std::vector<char*> argv;
      for (auto& a : full) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process() {
    kill();
    std::filesystem::remove(log_path_);
  }

  // Waits for every line in `ready`; returns the ports they report, or an error carrying the log
  // (and whether the bind found its port taken, which is worth a retry on another port).
  Result<std::vector<int>> wait_ready(const std::vector<const std::regex*>& ready) {
    for (int waited = 0;; waited += 20) {
      const std::string log = read_file(log_path_);
      std::vector<int> ports;
      for (const std::regex* line : ready)
        if (int port = reported_port(log, *line); port != 0) ports.push_back(port);
      if (ports.size() == ready.size()) return ports;
      if (int status = 0; ::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        const Errc code = log.find("Address already in use") != std::string::npos ? Errc::busy : Errc::io;
        return make_error(code, "exited before it listened (status " + std::to_string(status) + "):\n" + log);
      }
      if (waited >= kWaitStartMs) {
        kill();
        return make_error(Errc::timeout, "did not report listening within " + std::to_string(kWaitStartMs) +
                                             " ms:\n" + log);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // Everything the process has logged so far.
  std::string log() const { return read_file(log_path_); }

  void kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  int port = 0;     // the broker's (or NameServer's) listening port
  int ns_port = 0;  // the embedded NameServer's, for `standalone`

 private:
  static inline int started_ = 0;
  pid_t pid_ = -1;
  std::string log_path_;
};

struct Store {
  std::string path;
  explicit Store(const std::string& name)
      : path((std::filesystem::temp_directory_path() / ("ringmq-client-" + name + "-" + std::to_string(::getpid()))).string()) {}
  ~Store() { std::filesystem::remove_all(path); }
};

inline std::vector<std::string> broker_args(const std::string& role, const Store& store, const std::string& name) {
  return {role, "--listen", "127.0.0.1:0", "--store", store.path, "--broker-name", name,
          "--cores", "2", "--segment-bytes", std::to_string(64 * 1024 * 1024)};
}

// `ringmq standalone` on store; retried on fresh NameServer ports while the bind finds one taken.
inline std::unique_ptr<Process> start_standalone(const Store& store, const std::string& name,
                                          const std::vector<std::string>& extra = {}) {
  for (int attempt = 1;; ++attempt) {
    auto args = broker_args("standalone", store, name);
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("--namesrv-listen");
    args.push_back("127.0.0.1:" + std::to_string(free_port()));
    auto process = std::make_unique<Process>(std::move(args), name);
    auto ports = process->wait_ready({&kEmbeddedNamesrvReady, &kBrokerReady, &kRegistered});
    if (ports.ok()) {
      process->ns_port = (*ports)[0];
      process->port = (*ports)[1];
      return process;
    }
    if (ports.error().code != Errc::busy || attempt == kBindRetries) FAIL("standalone " << ports.error().to_string());
  }
}

// `ringmq broker` (port 0) registering with the NameServer at ns_port.
inline std::unique_ptr<Process> start_broker(const Store& store, const std::string& name, int ns_port,
                                      const std::vector<std::string>& extra = {}) {
  auto args = broker_args("broker", store, name);
  args.insert(args.end(), {"--namesrv", "127.0.0.1:" + std::to_string(ns_port)});
  args.insert(args.end(), extra.begin(), extra.end());
  auto process = std::make_unique<Process>(std::move(args), name);
  auto ports = process->wait_ready({&kBrokerReady, &kRegistered});
  if (!ports.ok()) FAIL("broker " << name << " " << ports.error().to_string());
  process->port = (*ports)[0];
  return process;
}

inline std::unique_ptr<Process> start_namesrv() {
  auto process = std::make_unique<Process>(std::vector<std::string>{"namesrv", "--listen", "127.0.0.1:0", "--cores", "1"},
                                           "namesrv");
  auto ports = process->wait_ready({&kNamesrvReady});
  if (!ports.ok()) FAIL("namesrv " << ports.error().to_string());
  process->port = (*ports)[0];
  return process;
}

inline ProducerConfig producer_config(int ns_port) {
  ProducerConfig config;
  config.group = "it_producer";
  config.client.namesrv_addr = "127.0.0.1:" + std::to_string(ns_port);
  return config;
}

// A push consumer of `group` on the NameServer at ns_port, starting from the first offset.
inline PushConsumerConfig push_config(const std::string& group, int ns_port) {
  PushConsumerConfig config;
  config.group = group;
  config.client.namesrv_addr = "127.0.0.1:" + std::to_string(ns_port);
  config.consume_from_where = client::ConsumeFromWhere::first_offset;
  return config;
}

// The bodies a concurrent listener is given, in arrival order. The listener runs on the
// consumer's threads and the checks on the test's, hence the lock; it must outlive the consumer.
class ReceivedBodies {
 public:
  client::MessageListenerConcurrently listener() {
    return [this](const std::vector<client::MessageExt>& msgs) {
      std::lock_guard lock(mutex_);
      for (const auto& m : msgs) bodies_.push_back(m.body());
      return client::ConsumeConcurrentlyStatus::consume_success;
    };
  }
  std::vector<std::string> all() const {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  std::set<std::string> distinct() const {
    std::lock_guard lock(mutex_);
    return {bodies_.begin(), bodies_.end()};
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> bodies_;
};

template <typename Pred>
bool wait_for(Pred pred, int ms = kWaitConsumeMs) {
  for (int waited = 0; waited < ms; waited += 20) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

}  // namespace ringmq::it
