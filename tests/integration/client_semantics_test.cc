// Client semantics against real `ringmq` processes on 127.0.0.1 (started and killed by PID):
// ordered sends, the orderly listener, broadcasting offsets kept locally, a failing broker avoided.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/producer.h"
#include "client/push_consumer.h"

using namespace ringmq;
using namespace ringmq::client;

namespace {

constexpr int kWaitListenMs = 15000;
constexpr int kWaitConsumeMs = 30000;

int free_port() {
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

bool port_open(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// A ringmq process, killed by PID when it goes out of scope.
struct Process {
  pid_t pid = -1;
  Process(std::vector<std::string> args, int port) {
    const char* bin = std::getenv("RINGMQ_BIN");
    std::vector<std::string> full{bin ? bin : "ringmq", "--log-level", "warn"};
    for (auto& a : args) full.push_back(std::move(a));
    pid = ::fork();
    if (pid == 0) {
      std::vector<char*> argv;
      for (auto& a : full) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    for (int waited = 0; waited < kWaitListenMs && !port_open(port); waited += 50)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // first NameServer registration
  }
  void kill() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      pid = -1;
    }
  }
  ~Process() { kill(); }
};

struct Store {
  std::string path;
  explicit Store(const std::string& name)
      : path((std::filesystem::temp_directory_path() / ("ringmq-client-" + name + "-" + std::to_string(::getpid()))).string()) {}
  ~Store() { std::filesystem::remove_all(path); }
};

std::vector<std::string> broker_args(const std::string& role, int port, const Store& store, const std::string& name) {
  return {role, "--listen", "127.0.0.1:" + std::to_string(port), "--store", store.path, "--broker-name", name,
          "--cores", "2", "--segment-bytes", std::to_string(64 * 1024 * 1024)};
}

ProducerConfig producer_config(int ns_port) {
  ProducerConfig config;
  config.group = "it_producer";
  config.client.namesrv_addr = "127.0.0.1:" + std::to_string(ns_port);
  return config;
}

template <typename Pred>
bool wait_for(Pred pred, int ms = kWaitConsumeMs) {
  for (int waited = 0; waited < ms; waited += 20) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

}  // namespace

TEST_SUITE("integration") {

TEST_CASE("client: ordered sends land in one queue in order, and the orderly listener sees that order") {
  Store store("ordered");
  const int ns = free_port(), port = free_port();
  auto args = broker_args("standalone", port, store, "broker-a");
  args.push_back("--namesrv-listen");
  args.push_back("127.0.0.1:" + std::to_string(ns));
  Process broker(args, port);
  Producer producer(producer_config(ns));
  REQUIRE(producer.start().ok());
  REQUIRE(producer.create_topic("TBW102", "OrderTopic", 4).ok());
  constexpr int kMessages = 50;
  std::int64_t last_offset = -1;
  int queue = -1;
  for (int i = 0; i < kMessages; ++i) {
    auto r = producer.send(Message("OrderTopic", "T", std::to_string(i)), select_message_queue_by_hash, 7);
    REQUIRE(r.ok());
    if (queue < 0) queue = r->message_queue.queue_id;
    CHECK(r->message_queue.queue_id == queue);
    CHECK(r->queue_offset == last_offset + 1);
    last_offset = r->queue_offset;
  }
  PushConsumerConfig config;
  config.group = "it_orderly";
  config.client.namesrv_addr = "127.0.0.1:" + std::to_string(ns);
  config.consume_from_where = ConsumeFromWhere::first_offset;
  PushConsumer consumer(config);
  REQUIRE(consumer.subscribe("OrderTopic", "*").ok());
  std::mutex mutex;
  std::vector<int> seen;
  consumer.register_message_listener([&](const std::vector<MessageExt>& msgs) {
    std::lock_guard lock(mutex);
    for (const auto& m : msgs) seen.push_back(std::stoi(m.body()));
    return ConsumeOrderlyStatus::success;
  });
  REQUIRE(consumer.start().ok());
  CHECK(wait_for([&] { std::lock_guard lock(mutex); return seen.size() >= kMessages; }));
  consumer.shutdown();
  std::lock_guard lock(mutex);
  REQUIRE(seen.size() >= kMessages);
  for (int i = 0; i < kMessages; ++i) CHECK(seen[static_cast<std::size_t>(i)] == i);
}

TEST_CASE("client: a broadcasting consumer keeps its offsets in a local file") {
  Store store("broadcast");
  Store offsets("offsets");
  const int ns = free_port(), port = free_port();
  auto args = broker_args("standalone", port, store, "broker-a");
  args.push_back("--namesrv-listen");
  args.push_back("127.0.0.1:" + std::to_string(ns));
  Process broker(args, port);
  Producer producer(producer_config(ns));
  REQUIRE(producer.start().ok());
  REQUIRE(producer.create_topic("TBW102", "BcastTopic", 2).ok());
  for (int i = 0; i < 10; ++i) REQUIRE(producer.send(Message("BcastTopic", std::to_string(i))).ok());
  PushConsumerConfig config;
  config.group = "it_broadcast";
  config.message_model = MessageModel::broadcasting;
  config.consume_from_where = ConsumeFromWhere::first_offset;
  config.offset_store_dir = offsets.path;
  config.client.namesrv_addr = "127.0.0.1:" + std::to_string(ns);
  config.client.instance_name = "it_instance";
  PushConsumer consumer(config);
  REQUIRE(consumer.subscribe("BcastTopic", "*").ok());
  std::atomic<int> count{0};
  consumer.register_message_listener([&](const std::vector<MessageExt>& msgs) {
    count += static_cast<int>(msgs.size());
    return ConsumeConcurrentlyStatus::consume_success;
  });
  REQUIRE(consumer.start().ok());
  CHECK(wait_for([&] { return count.load() >= 10; }));
  consumer.shutdown();
  LocalFileOffsetStore file(offsets.path, "it_instance", "it_broadcast");
  REQUIRE(file.load().ok());
  std::int64_t total = 0;
  for (const auto& [mq, offset] : file.snapshot()) total += offset;
  CHECK(total == 10);
}

TEST_CASE("client: sends steer away from a broker that died") {
  Store store_a("fail-a");
  Store store_b("fail-b");
  const int ns = free_port(), port_a = free_port(), port_b = free_port();
  auto args = broker_args("standalone", port_a, store_a, "broker-a");
  args.push_back("--namesrv-listen");
  args.push_back("127.0.0.1:" + std::to_string(ns));
  Process a(args, port_a);
  auto args_b = broker_args("broker", port_b, store_b, "broker-b");
  args_b.push_back("--namesrv");
  args_b.push_back("127.0.0.1:" + std::to_string(ns));
  Process b(args_b, port_b);
  Producer producer(producer_config(ns));
  REQUIRE(producer.start().ok());
  // broker-b registers with the NameServer shortly after it listens; create the topic on both
  // brokers once both are in the route.
  std::size_t queues = 0;
  CHECK(wait_for([&] {
    if (!producer.create_topic("TBW102", "FailTopic", 2).ok()) return false;
    auto mqs = producer.fetch_publish_message_queues("FailTopic");
    queues = mqs.ok() ? mqs->size() : 0;
    return queues == 4;
  }));
  REQUIRE(queues == 4);
  b.kill();
  int ok = 0, on_a = 0;
  for (int i = 0; i < 40; ++i) {
    auto r = producer.send(Message("FailTopic", std::to_string(i)));
    if (r) {
      ++ok;
      on_a += r->message_queue.broker_name == "broker-a";
    }
  }
  CHECK(ok == 40);
  CHECK(on_a == 40);
}

}  // TEST_SUITE
