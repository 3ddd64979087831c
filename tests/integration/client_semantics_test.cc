// Client semantics against real `ringmq` processes on 127.0.0.1 (started and killed by PID):
// ordered sends, the orderly listener, broadcasting offsets kept locally, a failing broker avoided,
// and a master/slave pair (sends and pulls on the master; the master gone, sends fail and the
// consumer carries on).
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
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

#include "client/client_instance.h"
#include "client/producer.h"
#include "client/push_consumer.h"
#include "remoting/message_id.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

using namespace ringmq;
using namespace ringmq::client;

namespace {

constexpr int kWaitListenMs = 15000;
constexpr int kWaitConsumeMs = 30000;
constexpr int kWaitStartMs = 30000;  // a child that has not reported its listening port by then failed
constexpr int kBindRetries = 5;      // fresh ports tried when a port chosen up front turns out taken

// A port that was free a moment ago. Only for the embedded NameServer of `ringmq standalone` (its
// broker registers with it by number, so it cannot be 0); the start is retried if it got taken.
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

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The port a startup log line reports ("... listening on 127.0.0.1:PORT", "broker X (IP:PORT in"),
// or 0 while the line is not there yet.
int reported_port(const std::string& log, const std::regex& line) {
  std::smatch m;
  return std::regex_search(log, m, line) ? std::stoi(m[1].str()) : 0;
}

const std::regex kBrokerReady(R"(broker \S+ \([^\s:]+:(\d+) in \S+\) serving )");
const std::regex kEmbeddedNamesrvReady(R"(embedded NameServer listening on [^\s:]+:(\d+)\n)");
const std::regex kNamesrvReady(R"(namesrv: listening on [^\s:]+:(\d+) )");
// A broker's first registration (a debug line), so a client finds its routes from the start.
const std::regex kRegistered(R"(registered with NameServer [^\s:]+:(\d+) )");

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

std::vector<std::string> broker_args(const std::string& role, const Store& store, const std::string& name) {
  return {role, "--listen", "127.0.0.1:0", "--store", store.path, "--broker-name", name,
          "--cores", "2", "--segment-bytes", std::to_string(64 * 1024 * 1024)};
}

// `ringmq standalone` on store; retried on fresh NameServer ports while the bind finds one taken.
std::unique_ptr<Process> start_standalone(const Store& store, const std::string& name) {
  for (int attempt = 1;; ++attempt) {
    auto args = broker_args("standalone", store, name);
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
std::unique_ptr<Process> start_broker(const Store& store, const std::string& name, int ns_port,
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

std::unique_ptr<Process> start_namesrv() {
  auto process = std::make_unique<Process>(std::vector<std::string>{"namesrv", "--listen", "127.0.0.1:0", "--cores", "1"},
                                           "namesrv");
  auto ports = process->wait_ready({&kNamesrvReady});
  if (!ports.ok()) FAIL("namesrv " << ports.error().to_string());
  process->port = (*ports)[0];
  return process;
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

// The broker ids the NameServer routes under `broker_name` for `topic` (empty when it has none).
std::set<std::int64_t> routed_broker_ids(ClientInstance& admin, const std::string& topic, const std::string& broker_name) {
  std::set<std::int64_t> ids;
  auto route = admin.update_route(topic);
  if (!route) return ids;
  if (const BrokerData* broker = route->find_broker(broker_name))
    for (const auto& [id, addr] : broker->broker_addrs) ids.insert(id);
  return ids;
}

// GET_MAX_OFFSET (empty group) or QUERY_CONSUMER_OFFSET asked of one broker directly, by address.
Result<std::int64_t> ask_offset(ClientInstance& admin, const std::string& addr, std::int32_t code,
                                const std::string& group, const std::string& topic, int queue_id) {
  auto request = remoting::RemotingCommand::request(code, admin.serialize_type());
  if (!group.empty()) request.ext_fields.append("consumerGroup", group);
  request.ext_fields.append("topic", topic);
  request.ext_fields.set_int("queueId", queue_id);
  request.has_ext_fields = true;
  RINGMQ_TRY_ASSIGN(remoting::RemotingCommand response, admin.invoke_sync(addr, std::move(request), kDefaultCallTimeoutMs));
  if (response.code != remoting::response_code::kSuccess)
    return make_error(Errc::io, "code " + std::to_string(response.code) + " " + response.remark.value_or(""));
  return response.ext_fields.get_int64("offset");
}

}  // namespace

TEST_SUITE("integration") {

TEST_CASE("client: ordered sends land in one queue in order, and the orderly listener sees that order") {
  Store store("ordered");
  auto broker = start_standalone(store, "broker-a");
  const int ns = broker->ns_port;
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
  auto broker = start_standalone(store, "broker-a");
  const int ns = broker->ns_port;
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
  auto a = start_standalone(store_a, "broker-a");
  const int ns = a->ns_port;
  auto b = start_broker(store_b, "broker-b", ns);
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
  b->kill();
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

// A master (brokerId 0) and a slave (brokerId 1) under one brokerName, as Apache RocketMQ deploys
// them. ringmq does not replicate, so the slave holds none of the master's messages: what is
// checked is where the client sends, pulls and commits, and that losing the master costs errors,
// not a hang or a crash.
TEST_CASE("client: a master/slave pair: sends, pulls and offsets go to the master; without it sends fail fast") {
  constexpr int kMessages = 40;
  constexpr int kMessagesAfterRestart = 10;
  constexpr int kQueues = 4;
  // What a loaded 2-core machine may add to a failing send (beyond its timeout) or to a retry delay.
  constexpr std::int64_t kLoadedMachineSlackMs = 2000;
  const std::string topic = "MsTopic", group = "it_master_slave", name = "broker-ms";
  Store master_store("ms-master");
  Store slave_store("ms-slave");
  auto namesrv = start_namesrv();
  const int ns = namesrv->port;
  const std::string ns_addr = "127.0.0.1:" + std::to_string(ns);
  auto master = start_broker(master_store, name, ns, {"--broker-id", "0"});
  auto slave = start_broker(slave_store, name, ns, {"--broker-id", "1", "--role", "slave"});
  const int master_port = master->port;

  ClientConfig admin_config;
  admin_config.namesrv_addr = ns_addr;
  auto admin_instance = ClientInstance::create(admin_config);
  REQUIRE(admin_instance.ok());
  ClientInstance& admin = **admin_instance;
  const std::set<std::int64_t> master_and_slave{0, 1}, slave_only{1};
  REQUIRE(wait_for([&] { return routed_broker_ids(admin, "TBW102", name) == master_and_slave; }, kWaitListenMs));

  Producer producer(producer_config(ns));
  REQUIRE(producer.start().ok());
  REQUIRE(producer.create_topic("TBW102", topic, kQueues).ok());
  REQUIRE(wait_for([&] { return routed_broker_ids(admin, topic, name) == master_and_slave; }, kWaitListenMs));
  auto route = admin.update_route(topic);
  REQUIRE(route.ok());
  std::string master_addr = route->find_broker(name)->broker_addrs.at(0);
  const std::string slave_addr = route->find_broker(name)->broker_addrs.at(1);
  auto publish = producer.fetch_publish_message_queues(topic);
  REQUIRE(publish.ok());
  CHECK(publish->size() == kQueues);

  // Every send is stored by the master: its offset msgId names the master's port.
  for (int i = 0; i < kMessages; ++i) {
    auto sent = producer.send(Message(topic, "before-" + std::to_string(i)));
    REQUIRE(sent.ok());
    CHECK(sent->message_queue.broker_name == name);
    auto stored_by = remoting::decode_offset_msg_id(sent->offset_msg_id);
    REQUIRE(stored_by.ok());
    CHECK(stored_by->port == master_port);
  }
  auto max_total = [&](const std::string& addr) {
    std::int64_t total = 0;
    for (int q = 0; q < kQueues; ++q) {
      auto max = ask_offset(admin, addr, remoting::request_code::kGetMaxOffset, "", topic, q);
      if (max.ok()) total += *max;
    }
    return total;
  };
  CHECK(max_total(master_addr) == kMessages);
  // The slave replicates the master's log (issue 14).
  CHECK(wait_for([&] { return max_total(slave_addr) == kMessages; }));

  PushConsumerConfig config;
  config.group = group;
  config.client.namesrv_addr = ns_addr;
  config.consume_from_where = ConsumeFromWhere::first_offset;
  PushConsumer consumer(config);
  REQUIRE(consumer.subscribe(topic, "*").ok());
  std::mutex mutex;
  std::set<std::string> bodies;
  consumer.register_message_listener([&](const std::vector<MessageExt>& msgs) {
    std::lock_guard lock(mutex);
    for (const auto& m : msgs) bodies.insert(m.body());
    return ConsumeConcurrentlyStatus::consume_success;
  });
  auto received = [&] {
    std::lock_guard lock(mutex);
    return bodies.size();
  };
  REQUIRE(consumer.start().ok());
  CHECK(wait_for([&] { return received() >= kMessages; }));
  CHECK(received() == kMessages);
  // Progress is committed to the master; the slave copies it from there every few seconds.
  auto committed = [&](const std::string& addr) {
    std::int64_t total = 0;
    for (int q = 0; q < kQueues; ++q) {
      auto offset = ask_offset(admin, addr, remoting::request_code::kQueryConsumerOffset, group, topic, q);
      if (offset.ok() && *offset > 0) total += *offset;
    }
    return total;
  };
  CHECK(wait_for([&] { return committed(master_addr) == kMessages; }));
  CHECK(wait_for([&] { return committed(slave_addr) == kMessages; }));

  master->kill();
  auto timed_send = [&](const std::string& body, std::int64_t& elapsed_ms) {
    const auto begin = std::chrono::steady_clock::now();
    auto sent = producer.send(Message(topic, body));
    elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin).count();
    return sent;
  };
  const std::int64_t send_bound_ms = producer.config().send_msg_timeout_ms + kLoadedMachineSlackMs;
  // The route still names the dead master: the send is refused and fails within its timeout.
  std::int64_t elapsed_ms = 0;
  auto refused = timed_send("lost-1", elapsed_ms);
  CHECK_FALSE(refused.ok());
  CHECK(elapsed_ms <= send_bound_ms);
  if (!refused) MESSAGE("send to a dead master: " << refused.error().to_string() << " after " << elapsed_ms << " ms");
  // The NameServer drops the master when its connection closes and keeps the slave: a send then
  // finds no master to go to, and says so.
  REQUIRE(wait_for([&] { return routed_broker_ids(admin, topic, name) == slave_only; }, kWaitListenMs));
  // A producer re-reads a route after a failed send at most once per
  // kRouteRefreshAfterSendFailureMs, so when the earlier sends were quick the next one may still
  // try the dead master (refused, also fast); within that interval a send reads the new route.
  Result<SendResult> no_master = Result<SendResult>(make_error(Errc::io, "not sent"));
  const bool said_no_master = wait_for([&] {
    no_master = timed_send("lost-2", elapsed_ms);
    return !no_master.ok() && no_master.error().to_string().find("master") != std::string::npos;
  }, kWaitListenMs);
  REQUIRE_FALSE(no_master.ok());
  CHECK(elapsed_ms <= send_bound_ms);
  MESSAGE("send without a master: " << no_master.error().to_string() << " after " << elapsed_ms << " ms");
  CHECK(said_no_master);
  CHECK(no_master.error().to_string().find("master") != std::string::npos);

  // The consumer, told of the new route, keeps its queues (the slave answers for the group) and
  // pulls from the slave, which holds the replicated messages and offsets; it does not stop. (Its
  // offsets now go to the slave too, as Java's findBrokerAddressInAdmin sends them.)
  consumer.do_rebalance();
  CHECK(wait_for([&] {
    auto mqs = consumer.assigned_queues();
    return std::count_if(mqs.begin(), mqs.end(), [&](const MessageQueue& mq) { return mq.topic == topic; }) == kQueues;
  }));
  // Long enough for every queue's pull, failed on the dead master, to be retried on the slave.
  std::this_thread::sleep_for(std::chrono::milliseconds(kPullDelayOnErrorMs + kLoadedMachineSlackMs));

  // The master comes back on its store: the consumer returns to it and takes what is sent next.
  // (On a port of its own choosing: the test never races another process for the old one.)
  auto restarted = start_broker(master_store, name, ns, {"--broker-id", "0"});
  REQUIRE(wait_for([&] { return routed_broker_ids(admin, topic, name) == master_and_slave; }, kWaitListenMs));
  master_addr = "127.0.0.1:" + std::to_string(restarted->port);
  CHECK(admin.update_route(topic)->find_broker(name)->broker_addrs.at(0) == master_addr);
  consumer.do_rebalance();
  int sent_after = 0;
  for (int i = 0; i < kMessagesAfterRestart; ++i) {
    const std::string body = "after-" + std::to_string(i);
    if (wait_for([&] { return producer.send(Message(topic, body)).ok(); }, kWaitListenMs)) ++sent_after;
  }
  CHECK(sent_after == kMessagesAfterRestart);
  CHECK(wait_for([&] { return received() >= static_cast<std::size_t>(kMessages + kMessagesAfterRestart); }));
  // Its progress continues on the master from where it was, not from the slave's empty queues.
  CHECK(wait_for([&] { return committed(master_addr) == kMessages + kMessagesAfterRestart; }));
  consumer.shutdown();
  std::lock_guard lock(mutex);
  for (int i = 0; i < kMessagesAfterRestart; ++i) CHECK(bodies.contains("after-" + std::to_string(i)));
  CHECK_FALSE(bodies.contains("lost-1"));
}

TEST_CASE("client: with the master killed, a push consumer receives everything the slave replicated") {
  constexpr int kMessages = 200;
  constexpr int kQueues = 4;
  const std::string topic = "HaTopic", group = "it_ha_consumer", name = "broker-ha";
  Store master_store("ha-master");
  Store slave_store("ha-slave");
  auto namesrv = start_namesrv();
  const int ns = namesrv->port;
  const std::string ns_addr = "127.0.0.1:" + std::to_string(ns);
  auto master = start_broker(master_store, name, ns, {"--broker-id", "0"});
  auto slave = start_broker(slave_store, name, ns, {"--broker-id", "1", "--role", "slave"});
  ClientConfig admin_config;
  admin_config.namesrv_addr = ns_addr;
  auto admin_instance = ClientInstance::create(admin_config);
  REQUIRE(admin_instance.ok());
  ClientInstance& admin = **admin_instance;
  Producer producer(producer_config(ns));
  REQUIRE(producer.start().ok());
  REQUIRE(wait_for([&] { return routed_broker_ids(admin, "TBW102", name) == std::set<std::int64_t>{0, 1}; }, kWaitListenMs));
  REQUIRE(producer.create_topic("TBW102", topic, kQueues).ok());
  REQUIRE(wait_for([&] { return routed_broker_ids(admin, topic, name) == std::set<std::int64_t>{0, 1}; }, kWaitListenMs));
  const std::string slave_addr = admin.update_route(topic)->find_broker(name)->broker_addrs.at(1);
  std::set<std::string> sent;
  for (int i = 0; i < kMessages; ++i) {
    const std::string body = "ha-" + std::to_string(i);
    if (producer.send(Message(topic, body)).ok()) sent.insert(body);
  }
  REQUIRE(sent.size() == kMessages);
  auto on_slave = [&] {
    std::int64_t total = 0;
    for (int q = 0; q < kQueues; ++q) {
      auto max = ask_offset(admin, slave_addr, remoting::request_code::kGetMaxOffset, "", topic, q);
      if (max.ok()) total += *max;
    }
    return total;
  };
  REQUIRE(wait_for([&] { return on_slave() == kMessages; }));
  // The slave copies the master's topics every few seconds; a pull names a topic it must know.
  auto slave_knows_topic = [&] {
    auto request = remoting::RemotingCommand::request(remoting::request_code::kGetAllTopicConfig, admin.serialize_type());
    auto response = admin.invoke_sync(slave_addr, std::move(request), kDefaultCallTimeoutMs);
    return response.ok() && response->body.find("\"" + topic + "\"") != std::string::npos;
  };
  REQUIRE(wait_for(slave_knows_topic));
  master->kill();
  REQUIRE(wait_for([&] { return routed_broker_ids(admin, topic, name) == std::set<std::int64_t>{1}; }, kWaitListenMs));

  PushConsumerConfig config;
  config.group = group;
  config.client.namesrv_addr = ns_addr;
  config.consume_from_where = ConsumeFromWhere::first_offset;
  PushConsumer consumer(config);
  REQUIRE(consumer.subscribe(topic, "*").ok());
  std::mutex mutex;
  std::set<std::string> bodies;
  consumer.register_message_listener([&](const std::vector<MessageExt>& msgs) {
    std::lock_guard lock(mutex);
    for (const auto& m : msgs) bodies.insert(m.body());
    return ConsumeConcurrentlyStatus::consume_success;
  });
  REQUIRE(consumer.start().ok());
  CHECK(wait_for([&] {
    std::lock_guard lock(mutex);
    return bodies.size() >= sent.size();
  }));
  {
    std::lock_guard lock(mutex);
    MESSAGE("received " << bodies.size() << " of " << sent.size() << " from the slave, queues "
                        << consumer.assigned_queues().size());
  }
  consumer.shutdown();
  std::lock_guard lock(mutex);
  CHECK(bodies == sent);
}

}  // TEST_SUITE
