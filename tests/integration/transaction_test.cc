// Transactional messages end to end with the project's client against real `ringmq` processes on
// 127.0.0.1 (started and killed by PID): commit, rollback, unknown-then-check-back, a half message
// that survives a broker restart and is still checked, and a producer group with no live
// connection that is asked again once one is back. Check rounds are short (flags), so each case
// takes seconds.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "client/producer.h"
#include "client/pull_consumer.h"
#include "client/transaction_producer.h"
#include "process_harness.h"

using namespace ringmq;
using namespace ringmq::client;
using namespace ringmq::it;

namespace {

// Short check rounds: a half message is asked about after 1 s, rounds every 300 ms.
const std::vector<std::string> kFastChecks = {"--transaction-timeout", "1000", "--transaction-check-interval", "300"};

// kFastChecks, and a half message checked at most `max` times (transactionCheckMax).
std::vector<std::string> fast_checks_with_max(int max) {
  std::vector<std::string> flags = kFastChecks;
  flags.insert(flags.end(), {"--transaction-check-max", std::to_string(max)});
  return flags;
}

struct Cluster {
  std::unique_ptr<Process> namesrv;
  std::unique_ptr<Process> broker;
  int ns_port = 0;
};

Cluster start_cluster(const Store& store, const std::vector<std::string>& extra) {
  Cluster c;
  c.namesrv = start_namesrv();
  c.ns_port = c.namesrv->port;
  c.broker = start_broker(store, "broker-a", c.ns_port, extra);
  return c;
}

// Decides by body: "commit", "rollback", or anything else "unknown" at first; a check answers
// `check_answer` and is counted per body.
class BodyListener : public TransactionListener {
 public:
  explicit BodyListener(LocalTransactionState check_answer) : check_answer_(check_answer) {}

  LocalTransactionState execute_local_transaction(const Message& msg, void* arg) override {
    if (arg != nullptr) ++*static_cast<int*>(arg);
    if (msg.body() == "commit") return LocalTransactionState::commit_message;
    if (msg.body() == "rollback") return LocalTransactionState::rollback_message;
    return LocalTransactionState::unknown;
  }
  LocalTransactionState check_local_transaction(const MessageExt& msg) override {
    std::lock_guard lock(mutex_);
    ++checks_[msg.body()];
    topics_[msg.body()] = msg.topic();
    return check_answer_;
  }
  int checks(const std::string& body) {
    std::lock_guard lock(mutex_);
    return checks_[body];
  }
  std::string checked_topic(const std::string& body) {
    std::lock_guard lock(mutex_);
    return topics_[body];
  }

 private:
  LocalTransactionState check_answer_;
  std::mutex mutex_;
  std::map<std::string, int> checks_;
  std::map<std::string, std::string> topics_;
};

ProducerConfig tx_config(int ns_port, const std::string& group) {
  ProducerConfig config = producer_config(ns_port);
  config.group = group;
  return config;
}

// Every message body of `topic` on the broker, read from offset 0 of each queue (what any consumer
// of the real topic can see).
std::multiset<std::string> bodies_of(int ns_port, const std::string& topic) {
  PullConsumerConfig config;
  config.group = "tx_reader";
  config.client.namesrv_addr = "127.0.0.1:" + std::to_string(ns_port);
  PullConsumer consumer(config);
  std::multiset<std::string> out;
  if (!consumer.start().ok()) return out;
  auto queues = consumer.fetch_subscribe_message_queues(topic);
  if (!queues.ok()) return out;
  for (const MessageQueue& mq : *queues) {
    std::int64_t offset = 0;
    for (;;) {
      auto pulled = consumer.pull(mq, "*", offset, 32);
      if (!pulled.ok() || pulled->msg_found_list.empty()) break;
      for (const MessageExt& m : pulled->msg_found_list) out.insert(m.body());
      offset = pulled->next_begin_offset;
    }
  }
  consumer.shutdown();
  return out;
}

// A producer of `group` that the broker knows at once: routes fetched and a heartbeat sent.
std::unique_ptr<TransactionProducer> live_producer(int ns_port, const std::string& group, const std::string& topic,
                                                   std::shared_ptr<BodyListener> listener) {
  auto producer = std::make_unique<TransactionProducer>(tx_config(ns_port, group), listener);
  REQUIRE(producer->start().ok());
  REQUIRE(producer->producer().instance().update_route(topic).ok());
  REQUIRE(producer->producer().instance().send_heartbeat_to_all_brokers().ok());
  return producer;
}

}  // namespace

TEST_SUITE("integration") {

TEST_CASE("transaction: commit delivers, rollback drops, unknown is settled by the broker's check") {
  Store store("basic");
  Cluster c = start_cluster(store, kFastChecks);
  auto listener = std::make_shared<BodyListener>(LocalTransactionState::commit_message);
  TransactionProducer producer(tx_config(c.ns_port, "tx_basic"), listener);
  REQUIRE(producer.start().ok());
  REQUIRE(producer.producer().create_topic("TBW102", "TxBasic", 4).ok());

  int executed = 0;
  auto committed = producer.send_message_in_transaction(Message("TxBasic", "TagA", "commit"), &executed);
  REQUIRE(committed.ok());
  CHECK(committed->local_transaction_state == LocalTransactionState::commit_message);
  auto rolled_back = producer.send_message_in_transaction(Message("TxBasic", "TagA", "rollback"), &executed);
  REQUIRE(rolled_back.ok());
  auto unknown = producer.send_message_in_transaction(Message("TxBasic", "TagA", "unknown"), &executed);
  REQUIRE(unknown.ok());
  CHECK(unknown->local_transaction_state == LocalTransactionState::unknown);
  CHECK(executed == 3);

  // The committed message is delivered; the undecided one is not visible before its check.
  CHECK(wait_for([&] { return bodies_of(c.ns_port, "TxBasic").count("commit") == 1; }));
  if (listener->checks("unknown") == 0) CHECK(bodies_of(c.ns_port, "TxBasic").count("unknown") == 0);

  // The broker asks about "unknown" (with its real topic), the listener commits it, it is delivered.
  CHECK(wait_for([&] { return bodies_of(c.ns_port, "TxBasic").count("unknown") == 1; }));
  CHECK(listener->checks("unknown") >= 1);
  CHECK(listener->checked_topic("unknown") == "TxBasic");
  // Decided messages are never asked about; the rolled back one never appears.
  CHECK(listener->checks("commit") == 0);
  CHECK(listener->checks("rollback") == 0);
  const auto bodies = bodies_of(c.ns_port, "TxBasic");
  CHECK(bodies == std::multiset<std::string>{"commit", "unknown"});
  producer.shutdown();
}

TEST_CASE("transaction: a check answered ROLLBACK drops the message; checks stop at transactionCheckMax") {
  Store store("rollback-check");
  Cluster c = start_cluster(store, fast_checks_with_max(3));
  auto rollback = std::make_shared<BodyListener>(LocalTransactionState::rollback_message);
  auto producer = live_producer(c.ns_port, "tx_rb", "TBW102", rollback);
  REQUIRE(producer->producer().create_topic("TBW102", "TxRollback", 4).ok());
  REQUIRE(producer->send_message_in_transaction(Message("TxRollback", "rb-after-check")).ok());
  CHECK(wait_for([&] { return rollback->checks("rb-after-check") >= 1; }));
  producer->shutdown();

  // A listener that never decides is asked transactionCheckMax (3) times, then the broker gives up.
  auto undecided = std::make_shared<BodyListener>(LocalTransactionState::unknown);
  auto stubborn = live_producer(c.ns_port, "tx_undecided", "TBW102", undecided);
  REQUIRE(stubborn->send_message_in_transaction(Message("TxRollback", "never-decided")).ok());
  CHECK(wait_for([&] { return c.broker->log().find("moved to TRANS_CHECK_MAX_TIME_TOPIC") != std::string::npos; }));
  CHECK(undecided->checks("never-decided") == 3);
  const auto bodies = bodies_of(c.ns_port, "TxRollback");
  CHECK(bodies.count("rb-after-check") == 0);
  CHECK(bodies.count("never-decided") == 0);
  stubborn->shutdown();
}

TEST_CASE("transaction: a half message survives a broker restart and is still checked; decided ones are not") {
  Store store("restart");
  // Before the restart rounds are far apart: nothing is checked or consumed by the check service.
  Cluster c = start_cluster(store, {"--transaction-timeout", "1000", "--transaction-check-interval", "600000"});
  {
    auto listener = std::make_shared<BodyListener>(LocalTransactionState::commit_message);
    TransactionProducer producer(tx_config(c.ns_port, "tx_restart"), listener);
    REQUIRE(producer.start().ok());
    REQUIRE(producer.producer().create_topic("TBW102", "TxRestart", 4).ok());
    REQUIRE(producer.send_message_in_transaction(Message("TxRestart", "commit")).ok());
    REQUIRE(producer.send_message_in_transaction(Message("TxRestart", "pending")).ok());
    CHECK(wait_for([&] { return bodies_of(c.ns_port, "TxRestart").count("commit") == 1; }));
    producer.shutdown();
  }
  c.broker->kill();  // SIGKILL: the store recovers on the next start
  c.broker = start_broker(store, "broker-a", c.ns_port, kFastChecks);

  auto listener = std::make_shared<BodyListener>(LocalTransactionState::commit_message);
  auto producer = live_producer(c.ns_port, "tx_restart", "TxRestart", listener);
  CHECK(wait_for([&] { return bodies_of(c.ns_port, "TxRestart").count("pending") == 1; }));
  CHECK(listener->checks("pending") >= 1);
  CHECK(listener->checks("commit") == 0);  // its op message said so across the restart
  CHECK(bodies_of(c.ns_port, "TxRestart") == std::multiset<std::string>{"commit", "pending"});
  producer->shutdown();
}

TEST_CASE("transaction: a producer group with no live connection is asked again once one is back") {
  Store store("no-connection");
  Cluster c = start_cluster(store, fast_checks_with_max(1000));
  {
    auto listener = std::make_shared<BodyListener>(LocalTransactionState::commit_message);
    TransactionProducer gone(tx_config(c.ns_port, "tx_orphan"), listener);
    REQUIRE(gone.start().ok());
    REQUIRE(gone.producer().create_topic("TBW102", "TxOrphan", 4).ok());
    REQUIRE(gone.send_message_in_transaction(Message("TxOrphan", "orphan")).ok());
    gone.shutdown();  // its connections close: the group has no channel left
  }
  // Rounds run and find nobody to ask.
  CHECK(wait_for([&] { return c.broker->log().find("channel is null. groupId=tx_orphan") != std::string::npos; }));
  CHECK(bodies_of(c.ns_port, "TxOrphan").count("orphan") == 0);

  auto listener = std::make_shared<BodyListener>(LocalTransactionState::commit_message);
  auto producer = live_producer(c.ns_port, "tx_orphan", "TxOrphan", listener);
  CHECK(wait_for([&] { return bodies_of(c.ns_port, "TxOrphan").count("orphan") == 1; }));
  CHECK(listener->checks("orphan") >= 1);
  producer->shutdown();
}

}  // TEST_SUITE
