#include "broker/broker_address.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>

#include <charconv>

namespace ringmq::broker {

std::string derive_advertised_ip(const BrokerConfig& config) {
  if (!config.advertised_ip.empty()) return config.advertised_ip;
  if (config.listen_host != "0.0.0.0" && config.listen_host != "::" && !config.listen_host.empty()) {
    return config.listen_host == "localhost" ? "127.0.0.1" : config.listen_host;
  }
  std::string found = "127.0.0.1";
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return found;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & IFF_LOOPBACK)) continue;
    char text[INET_ADDRSTRLEN];
    auto* sin = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
    if (inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text)) {
      found = text;
      break;
    }
  }
  freeifaddrs(list);
  return found;
}

Result<store::HostAddress> host_address(const std::string& ip, std::uint16_t port) {
  in_addr addr{};
  if (inet_pton(AF_INET, ip.c_str(), &addr) != 1) {
    return make_error(Errc::invalid_argument, "advertised address must be IPv4: " + ip);
  }
  const std::uint32_t v = ntohl(addr.s_addr);
  return store::HostAddress::ipv4(v >> 24, (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF, port);
}

PeerAddress parse_peer_address(std::string_view peer) {
  PeerAddress out;
  const auto colon = peer.rfind(':');
  if (colon == std::string_view::npos) return out;
  in_addr addr{};
  if (inet_pton(AF_INET, std::string(peer.substr(0, colon)).c_str(), &addr) != 1) return out;
  out.ipv4 = ntohl(addr.s_addr);
  std::from_chars(peer.data() + colon + 1, peer.data() + peer.size(), out.port);
  return out;
}

}  // namespace ringmq::broker
