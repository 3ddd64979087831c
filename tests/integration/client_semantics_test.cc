// Client semantics against real `ringmq` processes on 127.0.0.1 (started and killed by PID):
// ordered sends, the orderly listener, where async send callbacks run, broadcasting offsets kept
// locally, a failing broker avoided, and a master/slave pair (sends and pulls on the master; the
// master gone, sends fail and the consumer carries on).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/client_instance.h"
#include "client/producer.h"
#include "client/push_consumer.h"
#include "process_harness.h"
#include "remoting/message_id.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

using namespace ringmq;
using namespace ringmq::client;
using namespace ringmq::it;

namespace {

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

// ask_offset summed over queues 0..queues-1 of `topic` (a queue that does not answer adds nothing).
std::int64_t offset_total(ClientInstance& admin, const std::string& addr, std::int32_t code, const std::string& group,
                          const std::string& topic, int queues) {
  std::int64_t total = 0;
  for (int q = 0; q < queues; ++q) {
    auto offset = ask_offset(admin, addr, code, group, topic, q);
    if (offset.ok() && *offset > 0) total += *offset;
  }
  return total;
}

// A NameServer with broker `name` as master (id 0) and slave (id 1), and a bare client that asks
// them directly. Stores are named `label`-master and `label`-slave.
struct MasterSlave {
  MasterSlave(const std::string& name, const std::string& label)
      : master_store(label + "-master"),
        slave_store(label + "-slave"),
        namesrv(start_namesrv()),
        ns(namesrv->port),
        master(start_broker(master_store, name, ns, {"--broker-id", "0"})),
        slave(start_broker(slave_store, name, ns, {"--broker-id", "1", "--role", "slave"})) {
    ClientConfig config;
    config.namesrv_addr = "127.0.0.1:" + std::to_string(ns);
    auto created = ClientInstance::create(config);
    REQUIRE(created.ok());
    admin = *created;
  }

  Store master_store;
  Store slave_store;
  std::unique_ptr<Process> namesrv;
  int ns;
  std::unique_ptr<Process> master;
  std::unique_ptr<Process> slave;
  std::shared_ptr<ClientInstance> admin;
};

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
  PushConsumer consumer(push_config("it_orderly", ns));
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

TEST_CASE("client: async send callbacks run on the pool, or on the I/O thread when asked, where sync calls fail") {
  Store store("callbacks");
  auto broker = start_standalone(store, "broker-a");
  const int ns = broker->ns_port;
  for (const bool on_io : {false, true}) {
    CAPTURE(on_io);
    ProducerConfig config = producer_config(ns);
    config.callbacks_on_io_thread = on_io;
    Producer producer(config);
    REQUIRE(producer.start().ok());
    REQUIRE(producer.create_topic("TBW102", "CallbackTopic", 2).ok());
    // Seen on the callback's thread; checked here, on the test thread.
    struct Seen {
      std::atomic<int> calls{0};
      std::atomic<bool> sent_ok{false};
      std::atomic<bool> on_io_thread{false};
      std::atomic<bool> nested_sync_busy{false};
    };
    auto seen = std::make_shared<Seen>();
    REQUIRE(producer
                .send_async(Message("CallbackTopic", "T", "x"),
                            [seen, &producer](Result<SendResult> r) {
                              seen->sent_ok = r.ok();
                              seen->on_io_thread = ClientInstance::on_io_thread();
                              // A synchronous send from the I/O thread must fail fast, not deadlock.
                              auto nested = producer.send(Message("CallbackTopic", "T", "nested"));
                              seen->nested_sync_busy = !nested.ok() && nested.error().code == Errc::busy;
                              ++seen->calls;
                            })
                .ok());
    REQUIRE(wait_for([&] { return seen->calls.load() == 1; }));
    CHECK(seen->sent_ok.load());
    CHECK(seen->on_io_thread.load() == on_io);
    CHECK(seen->nested_sync_busy.load() == on_io);
    producer.shutdown();
  }
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
  PushConsumerConfig config = push_config("it_broadcast", ns);
  config.message_model = MessageModel::broadcasting;
  config.offset_store_dir = offsets.path;
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
  MasterSlave cluster(name, "ms");
  const int ns = cluster.ns;
  const int master_port = cluster.master->port;
  ClientInstance& admin = *cluster.admin;
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
    return offset_total(admin, addr, remoting::request_code::kGetMaxOffset, "", topic, kQueues);
  };
  CHECK(max_total(master_addr) == kMessages);
  // The slave replicates the master's log (issue 14).
  CHECK(wait_for([&] { return max_total(slave_addr) == kMessages; }));

  ReceivedBodies bodies;
  PushConsumer consumer(push_config(group, ns));
  REQUIRE(consumer.subscribe(topic, "*").ok());
  consumer.register_message_listener(bodies.listener());
  auto received = [&] { return bodies.distinct().size(); };
  REQUIRE(consumer.start().ok());
  CHECK(wait_for([&] { return received() >= kMessages; }));
  CHECK(received() == kMessages);
  // Progress is committed to the master; the slave copies it from there every few seconds.
  auto committed = [&](const std::string& addr) {
    return offset_total(admin, addr, remoting::request_code::kQueryConsumerOffset, group, topic, kQueues);
  };
  CHECK(wait_for([&] { return committed(master_addr) == kMessages; }));
  CHECK(wait_for([&] { return committed(slave_addr) == kMessages; }));

  cluster.master->kill();
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
  auto restarted = start_broker(cluster.master_store, name, ns, {"--broker-id", "0"});
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
  const std::set<std::string> got = bodies.distinct();
  for (int i = 0; i < kMessagesAfterRestart; ++i) CHECK(got.contains("after-" + std::to_string(i)));
  CHECK_FALSE(got.contains("lost-1"));
}

TEST_CASE("client: with the master killed, a push consumer receives everything the slave replicated") {
  constexpr int kMessages = 200;
  constexpr int kQueues = 4;
  const std::string topic = "HaTopic", group = "it_ha_consumer", name = "broker-ha";
  MasterSlave cluster(name, "ha");
  const int ns = cluster.ns;
  ClientInstance& admin = *cluster.admin;
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
    return offset_total(admin, slave_addr, remoting::request_code::kGetMaxOffset, "", topic, kQueues);
  };
  REQUIRE(wait_for([&] { return on_slave() == kMessages; }));
  // The slave copies the master's topics every few seconds; a pull names a topic it must know.
  auto slave_knows_topic = [&] {
    auto request = remoting::RemotingCommand::request(remoting::request_code::kGetAllTopicConfig, admin.serialize_type());
    auto response = admin.invoke_sync(slave_addr, std::move(request), kDefaultCallTimeoutMs);
    return response.ok() && response->body.find("\"" + topic + "\"") != std::string::npos;
  };
  REQUIRE(wait_for(slave_knows_topic));
  cluster.master->kill();
  REQUIRE(wait_for([&] { return routed_broker_ids(admin, topic, name) == std::set<std::int64_t>{1}; }, kWaitListenMs));

  ReceivedBodies bodies;
  PushConsumer consumer(push_config(group, ns));
  REQUIRE(consumer.subscribe(topic, "*").ok());
  consumer.register_message_listener(bodies.listener());
  REQUIRE(consumer.start().ok());
  CHECK(wait_for([&] { return bodies.distinct().size() >= sent.size(); }));
  MESSAGE("received " << bodies.distinct().size() << " of " << sent.size() << " from the slave, queues "
                      << consumer.assigned_queues().size());
  consumer.shutdown();
  CHECK(bodies.distinct() == sent);
}

}  // TEST_SUITE
