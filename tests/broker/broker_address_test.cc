// The broker's own address and its peers' (broker/broker_address.h).
#include <doctest/doctest.h>

#include "broker/broker_address.h"

using namespace ringmq;
using namespace ringmq::broker;

TEST_CASE("broker address: a peer's IPv4 and port; anything else is zeros") {
  const PeerAddress p = parse_peer_address("10.0.0.5:50000");
  CHECK(p.ipv4 == ((10u << 24) | 5u));
  CHECK(p.port == 50000);
  for (const char* bad : {"", "nocolon", "::1:9876", "host.example:1", "300.1.1.1:2"}) {
    const PeerAddress z = parse_peer_address(bad);
    CHECK_MESSAGE(z.ipv4 == 0, bad);
    CHECK_MESSAGE(z.port == 0, bad);
  }
}

TEST_CASE("broker address: brokerIP1 wins, then a specific listen address; the store host must be IPv4") {
  BrokerConfig c;
  c.listen_host = "192.168.1.7";
  CHECK(derive_advertised_ip(c) == "192.168.1.7");
  c.listen_host = "localhost";
  CHECK(derive_advertised_ip(c) == "127.0.0.1");
  c.advertised_ip = "10.1.2.3";
  CHECK(derive_advertised_ip(c) == "10.1.2.3");
  auto h = host_address("10.1.2.3", 10911);
  REQUIRE(h.ok());
  CHECK(h->ip[0] == 10);
  CHECK(h->ip[3] == 3);
  CHECK(h->port == 10911);
  auto bad = host_address("fe80::1", 10911);
  REQUIRE(!bad.ok());
  CHECK(bad.error().code == Errc::invalid_argument);
}
