// The addresses a broker names itself and its peers by: the IPv4 address it advertises to
// NameServers and puts into offset message ids (RocketMQ brokerIP1), and a client connection's
// address as the born host of what it sends. Pure functions of configuration and text, apart from
// reading the machine's interfaces when nothing names an address.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "broker/broker_config.h"
#include "store/record_format.h"

namespace ringmq::broker {

// The IPv4 address and port of a client connection (born host of what it sends).
struct PeerAddress {
  std::uint32_t ipv4 = 0;
  std::int32_t port = 0;
};

// brokerIP1 if set, the listen address if it is a specific one, else the first non-loopback IPv4
// of the machine (127.0.0.1 if there is none).
std::string derive_advertised_ip(const BrokerConfig& config);

// The store host of `ip` (dotted IPv4; anything else is invalid_argument) and `port`.
Result<store::HostAddress> host_address(const std::string& ip, std::uint16_t port);

// "a.b.c.d:port" as a connection's peer() spells it; zeros for anything else (an IPv6 peer).
PeerAddress parse_peer_address(std::string_view peer);

}  // namespace ringmq::broker
