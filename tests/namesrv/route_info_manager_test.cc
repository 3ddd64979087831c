#include "namesrv/route_info_manager.h"

#include <doctest/doctest.h>

#include <limits>
#include <string>

namespace ringmq::namesrv {
namespace {

constexpr std::int64_t kT0 = 1'795'275'133'590;  // a wall-clock ms from the captures

BrokerRegistration broker(std::string name, std::int64_t id, std::string addr, std::string ha,
                          std::string cluster = "DefaultCluster") {
  return BrokerRegistration{std::move(cluster), std::move(addr), std::move(name), id, std::move(ha), std::nullopt};
}

RegisterBrokerBody topics(std::int64_t counter, std::initializer_list<std::pair<const char*, int>> list) {
  RegisterBrokerBody body;
  body.data_version = {counter, kT0 + counter, std::nullopt};
  for (const auto& [name, queues] : list) {
    body.topic_configs.push_back({name, queues, queues, protocol::perm::kReadWrite, "SINGLE_TAG", 0, false});
  }
  return body;
}

TEST_CASE("route_info_manager: a master's registration creates its cluster, group and topic queues") {
  RouteInfoManager m;
  const auto result = m.register_broker(broker("broker-a", 0, "10.0.0.1:10911", "10.0.0.1:10912"),
                                        topics(1, {{"TopicTest", 4}, {"TBW102", 8}}), 7, kT0);
  CHECK(result.master_addr.empty());
  CHECK(result.ha_server_addr.empty());
  const RouteTables& t = m.tables();
  CHECK(t.cluster_addr_table.at("DefaultCluster").contains("broker-a"));
  CHECK(t.find_broker("broker-a")->broker_addrs.at(0) == "10.0.0.1:10911");
  REQUIRE(t.find_topic("TopicTest") != nullptr);
  CHECK(t.find_topic("TopicTest")->at(0) == QueueData{"broker-a", 4, 4, 6, 0});
  CHECK(t.all_topics() == std::vector<std::string>{"TBW102", "TopicTest"});
  const BrokerLiveInfo* live = m.live_info("10.0.0.1:10911");
  REQUIRE(live != nullptr);
  CHECK(live->connection == 7);
  CHECK(live->ha_server_addr == "10.0.0.1:10912");
  CHECK(live->last_update_ms == kT0);
}

TEST_CASE("route_info_manager: a periodic re-register with the same DataVersion changes no route") {
  RouteInfoManager m;
  const auto reg = broker("broker-a", 0, "10.0.0.1:10911", "ha");
  m.register_broker(reg, topics(1, {{"TopicTest", 4}}), 1, kT0);
  m.wipe_write_perm_of_broker("broker-a");
  const auto version = m.route_version();
  m.register_broker(reg, topics(1, {{"TopicTest", 4}}), 1, kT0 + 30'000);
  CHECK(m.route_version() == version);
  CHECK(m.tables().find_topic("TopicTest")->at(0).perm == protocol::perm::kRead);  // 4.9: not re-applied
  CHECK(m.live_info("10.0.0.1:10911")->last_update_ms == kT0 + 30'000);
  // A new DataVersion re-applies the broker's topic configs.
  m.register_broker(reg, topics(2, {{"TopicTest", 4}, {"New", 2}}), 1, kT0 + 60'000);
  CHECK(m.route_version() > version);
  CHECK(m.tables().find_topic("TopicTest")->at(0).perm == (protocol::perm::kReadWrite));
  CHECK(m.tables().find_topic("New") != nullptr);
}

TEST_CASE("route_info_manager: master and slaves of one brokerName are grouped by brokerId") {
  RouteInfoManager m;
  m.register_broker(broker("broker-a", 0, "10.0.0.1:10911", "10.0.0.1:10912"), topics(1, {{"TopicTest", 4}}), 1, kT0);
  const auto slave = m.register_broker(broker("broker-a", 1, "10.0.0.2:10911", "10.0.0.2:10912"),
                                       topics(1, {{"SlaveOnly", 4}}), 2, kT0);
  SUBCASE("the slave's reply names the master's address and HA address") {
    CHECK(slave.master_addr == "10.0.0.1:10911");
    CHECK(slave.ha_server_addr == "10.0.0.1:10912");
  }
  SUBCASE("both addresses sit in one BrokerData, and a slave's topics make no routes") {
    const BrokerData* data = m.tables().find_broker("broker-a");
    REQUIRE(data != nullptr);
    CHECK(data->broker_addrs.size() == 2);
    CHECK(data->broker_addrs.at(1) == "10.0.0.2:10911");
    CHECK(m.tables().find_topic("SlaveOnly") == nullptr);
    CHECK(m.tables().cluster_addr_table.at("DefaultCluster").size() == 1);
  }
  SUBCASE("losing the master keeps the group and its routes while the slave lives (4.9)") {
    m.on_connection_closed(1);
    CHECK(m.tables().find_broker("broker-a")->broker_addrs.size() == 1);
    CHECK(m.tables().find_topic("TopicTest") != nullptr);
  }
}

TEST_CASE("route_info_manager: a slave registering without a live master learns nothing") {
  RouteInfoManager m;
  const auto slave = m.register_broker(broker("broker-b", 2, "10.0.0.3:10911", "ha"), topics(0, {}), 1, kT0);
  CHECK(slave.master_addr.empty());
  CHECK(slave.ha_server_addr.empty());
}

TEST_CASE("route_info_manager: a role switch moves the address to its new id") {
  RouteInfoManager m;
  m.register_broker(broker("broker-a", 1, "10.0.0.2:10911", "ha"), topics(0, {}), 1, kT0);
  m.register_broker(broker("broker-a", 0, "10.0.0.2:10911", "ha"), topics(1, {{"T", 1}}), 1, kT0 + 1);
  const auto& addrs = m.tables().find_broker("broker-a")->broker_addrs;
  CHECK(addrs.size() == 1);
  CHECK(addrs.at(0) == "10.0.0.2:10911");
  CHECK(m.tables().find_topic("T") != nullptr);
}

TEST_CASE("route_info_manager: a broker that heartbeats stays; one silent past the timeout expires with its queues") {
  RouteInfoManager m(120'000);
  m.register_broker(broker("broker-a", 0, "a:1", "ha"), topics(1, {{"TopicTest", 4}}), 3, kT0);
  m.register_broker(broker("broker-b", 0, "b:1", "ha"), topics(1, {{"Other", 4}}), 4, kT0);

  CHECK(m.scan_not_active_brokers(kT0 + 60'000).empty());
  CHECK(m.update_broker_info_update_timestamp("a:1", kT0 + 100'000));  // only broker-a heartbeats
  CHECK(!m.update_broker_info_update_timestamp("nobody:1", kT0 + 100'000));
  CHECK(m.scan_not_active_brokers(kT0 + 120'000).empty());  // exactly at the timeout: not yet

  const auto first = m.scan_not_active_brokers(kT0 + 120'001);
  REQUIRE(first.size() == 1);
  CHECK(first[0].broker_name == "broker-b");
  CHECK(first[0].silent_ms == 120'001);
  CHECK(m.tables().find_topic("Other") == nullptr);
  CHECK(m.tables().find_topic("TopicTest") != nullptr);

  CHECK(m.scan_not_active_brokers(kT0 + 220'000).empty());  // 120 s after broker-a's heartbeat
  const auto second = m.scan_not_active_brokers(kT0 + 220'001);
  REQUIRE(second.size() == 1);
  CHECK(second[0].broker_name == "broker-a");
  CHECK(m.tables().find_topic("TopicTest") == nullptr);
  CHECK(m.tables().find_broker("broker-a") == nullptr);
  CHECK(m.tables().cluster_addr_table.empty());
  CHECK(m.tables().topic_queue_table.empty());
  CHECK(m.live_broker_count() == 0);
}

TEST_CASE("route_info_manager: expiry returns the connection so the caller can close it") {
  RouteInfoManager m(10'000);
  m.register_broker(broker("broker-a", 0, "a:1", "ha"), topics(1, {{"A", 1}}), 11, kT0);
  m.register_broker(broker("broker-b", 0, "b:1", "ha"), topics(1, {{"B", 1}}), 12, kT0 + 5'000);
  const auto expired = m.scan_not_active_brokers(kT0 + 12'000);
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].broker_addr == "a:1");
  CHECK(expired[0].broker_name == "broker-a");
  CHECK(expired[0].connection == 11);
  CHECK(m.tables().find_topic("A") == nullptr);
  CHECK(m.tables().find_topic("B") != nullptr);
}

TEST_CASE("route_info_manager: a 5.x heartbeatTimeoutMillis overrides the default timeout for that broker") {
  RouteInfoManager m(120'000);
  auto reg = broker("broker-a", 0, "a:1", "ha");
  reg.heartbeat_timeout_ms = 5'000;
  m.register_broker(reg, topics(1, {{"A", 1}}), 1, kT0);
  CHECK(m.scan_not_active_brokers(kT0 + 5'001).size() == 1);
}

TEST_CASE("route_info_manager: closing a connection drops only the broker registered over it") {
  RouteInfoManager m;
  m.register_broker(broker("broker-a", 0, "a:1", "ha"), topics(1, {{"Shared", 4}, {"OnlyA", 1}}), 21, kT0);
  m.register_broker(broker("broker-b", 0, "b:1", "ha"), topics(1, {{"Shared", 4}}), 22, kT0);
  CHECK(m.on_connection_closed(99).empty());
  CHECK(m.on_connection_closed(kNoConnection).empty());
  const auto removed = m.on_connection_closed(21);
  REQUIRE(removed.size() == 1);
  CHECK(removed[0].broker_addr == "a:1");
  CHECK(m.tables().find_topic("OnlyA") == nullptr);
  REQUIRE(m.tables().find_topic("Shared") != nullptr);
  CHECK(m.tables().find_topic("Shared")->size() == 1);
  CHECK(m.tables().find_topic("Shared")->at(0).broker_name == "broker-b");
  CHECK(m.live_info("b:1") != nullptr);
}

TEST_CASE("route_info_manager: a broker that re-registered over a new connection survives the old one closing") {
  RouteInfoManager m;
  const auto reg = broker("broker-a", 0, "a:1", "ha");
  m.register_broker(reg, topics(1, {{"A", 1}}), 31, kT0);
  m.register_broker(reg, topics(1, {{"A", 1}}), 32, kT0 + 1);
  CHECK(m.on_connection_closed(31).empty());
  CHECK(m.tables().find_topic("A") != nullptr);
  CHECK(m.on_connection_closed(32).size() == 1);
}

TEST_CASE("route_info_manager: an address that moved to another brokerName leaves no stale entry on close") {
  RouteInfoManager m;
  m.register_broker(broker("old-name", 0, "a:1", "ha"), topics(1, {{"A", 1}}), 1, kT0);
  m.register_broker(broker("new-name", 0, "a:1", "ha"), topics(2, {{"A", 1}}), 1, kT0 + 1);
  CHECK(m.on_connection_closed(1).size() == 1);
  CHECK(m.tables().broker_addr_table.empty());
  CHECK(m.tables().cluster_addr_table.empty());
  CHECK(m.tables().topic_queue_table.empty());
}

TEST_CASE("route_info_manager: unregister drops the broker, and the group's queues when it was the last") {
  RouteInfoManager m;
  m.register_broker(broker("broker-a", 0, "a:1", "ha"), topics(1, {{"A", 1}}), 1, kT0);
  m.register_broker(broker("broker-a", 1, "a:2", "ha"), topics(1, {}), 2, kT0);
  CHECK(m.unregister_broker("DefaultCluster", "a:2", "broker-a", 1));
  CHECK(m.tables().find_topic("A") != nullptr);
  // A wrong id drops the live entry but not the address another id holds.
  CHECK(m.unregister_broker("DefaultCluster", "a:1", "broker-a", 5));
  CHECK(m.tables().find_broker("broker-a")->broker_addrs.at(0) == "a:1");
  CHECK(m.live_info("a:1") == nullptr);
  m.register_broker(broker("broker-a", 0, "a:1", "ha"), topics(1, {{"A", 1}}), 1, kT0);
  CHECK(m.unregister_broker("DefaultCluster", "a:1", "broker-a", 0));
  CHECK(m.tables().find_topic("A") == nullptr);
  CHECK(m.tables().broker_addr_table.empty());
  CHECK(m.tables().cluster_addr_table.empty());
}

TEST_CASE("route_info_manager: delete_topic removes a topic everywhere or only from one cluster") {
  RouteInfoManager m;
  m.register_broker(broker("a", 0, "a:1", "ha", "c1"), topics(1, {{"T", 1}, {"U", 1}}), 1, kT0);
  m.register_broker(broker("b", 0, "b:1", "ha", "c2"), topics(1, {{"T", 1}}), 2, kT0);
  CHECK(m.tables().topics_by_cluster("c2") == std::vector<std::string>{"T"});
  CHECK(m.tables().topics_by_cluster("nope").empty());
  m.delete_topic("T", "c1");
  REQUIRE(m.tables().find_topic("T") != nullptr);
  CHECK(m.tables().find_topic("T")->at(0).broker_name == "b");
  m.delete_topic("T");
  CHECK(m.tables().find_topic("T") == nullptr);
  m.delete_topic("T");  // absent: nothing happens
  m.delete_topic("U", "c2");
  CHECK(m.tables().find_topic("U") != nullptr);
}

TEST_CASE("route_info_manager: wipe and add write perm touch only that broker's queues") {
  RouteInfoManager m;
  m.register_broker(broker("a", 0, "a:1", "ha"), topics(1, {{"T", 1}, {"U", 1}}), 1, kT0);
  m.register_broker(broker("b", 0, "b:1", "ha"), topics(1, {{"T", 1}}), 2, kT0);
  CHECK(m.wipe_write_perm_of_broker("a") == 2);
  CHECK(m.tables().find_topic("T")->at(0).perm == protocol::perm::kRead);
  CHECK(m.tables().find_topic("T")->at(1).perm == (protocol::perm::kReadWrite));
  CHECK(m.add_write_perm_of_broker("a") == 2);
  CHECK(m.tables().find_topic("U")->at(0).perm == (protocol::perm::kReadWrite));
  CHECK(m.wipe_write_perm_of_broker("zzz") == 0);
}

TEST_CASE("route_info_manager: a snapshot is unaffected by later changes") {
  RouteInfoManager m;
  m.register_broker(broker("a", 0, "a:1", "ha"), topics(1, {{"T", 1}}), 1, kT0);
  const auto snap = m.snapshot();
  m.on_connection_closed(1);
  CHECK(m.tables().find_topic("T") == nullptr);
  CHECK(snap->find_topic("T") != nullptr);
}

TEST_CASE("route_info_manager: system topics list clusters and broker names plus one broker address") {
  RouteInfoManager m;
  m.register_broker(broker("broker-a", 0, "a:1", "ha"), topics(1, {}), 1, kT0);
  std::string addr;
  CHECK(m.tables().system_topics(&addr) == std::vector<std::string>{"DefaultCluster", "broker-a"});
  CHECK(addr == "a:1");
}

}  // namespace
}  // namespace ringmq::namesrv

namespace ringmq::namesrv {

TEST_CASE("route_info_manager: a huge heartbeatTimeoutMillis keeps the broker and does not overflow the expiry check") {
  RouteInfoManager m(120'000);
  auto reg = broker("broker-a", 0, "a:1", "ha");
  reg.heartbeat_timeout_ms = std::numeric_limits<std::int64_t>::max();  // any positive int64 from the wire
  m.register_broker(reg, topics(1, {{"A", 1}}), 1, kT0);
  CHECK(m.scan_not_active_brokers(kT0 + 365LL * 24 * 3600 * 1000).empty());
  CHECK(m.live_info("a:1") != nullptr);
}

}  // namespace ringmq::namesrv
