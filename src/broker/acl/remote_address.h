// Remote-address patterns of plain_acl.yml (globalWhiteRemoteAddresses, an account's
// whiteRemoteAddress), with the meanings of RocketMQ 4.9.4's RemoteAddressStrategyFactory:
//   ""                           matches nothing (BlankRemoteAddressStrategy)
//   "*", "*.*.*.*",
//   "*:*:*:*:*:*:*:*"            matches every address
//   "192.168.0.{1,2,3}",
//   "fe80::1:{1,2}"              any of the listed last segments
//   "1.1.1.1,::1"                any of the listed addresses (IPv4 or IPv6)
//   "192.168.0.*", "10.1.*.*"    a segment range: '*' is 0-255, "1-100" a closed range; the
//   "192.168.1.1-100"            segments after the range must be '*'
//   "2::ac5:78:*"                IPv6: the groups before the last are a prefix ('::' in it fills it
//   "2::ac5:78:1-200"            out to 7 groups, or to 6 when "a-b:*" ends it); the last group, or
//   "2::ac5:78:1-200:*"          the one before a final '*', is a hex range; '*' only at the end
//   "127.0.0.1", "::1"           exactly that address (IPv6 compared by value: "::1" = "0:0::1")
// A peer address that is IPv4-mapped IPv6 ("::ffff:10.0.0.1") is matched as IPv4, as Java sees an
// Inet4Address for it. Immutable after parse; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmq::broker::acl {

// An IPv4 address (its 4 octets in groups[0..3]) or an IPv6 address (8 groups of 16 bits).
struct IpAddress {
  bool v6 = false;
  std::array<std::uint16_t, 8> groups{};
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};
// Parses dotted IPv4 or any textual IPv6 (inet_pton); false for anything else.
bool parse_ip_address(std::string_view text, IpAddress& out);

class RemoteAddressPattern {
 public:
  // Errors (malformed) name the pattern, as RocketMQ refuses to load such a file.
  static Result<RemoteAddressPattern> parse(std::string_view pattern);

  // `ip` is the peer's address without its port ("127.0.0.1", "::1").
  bool matches(std::string_view ip) const;

 private:
  enum class Kind { none, any, list, range4, range6 };
  struct Segment {
    int low = 0;
    int high = 255;
  };
  static Result<RemoteAddressPattern> parse_ipv6_range(std::string_view pattern);

  Kind kind_ = Kind::none;
  std::vector<IpAddress> addresses_;       // list (one address for an exact pattern)
  std::array<Segment, 4> segments_{};      // range4
  std::vector<std::uint16_t> v6_prefix_;   // range6: groups that must be equal
  Segment v6_range_{};                     // range6: bounds of the group after the prefix
};

// The peer's IP as RocketMQ's validator sees it: "ip:port" cut at the last ':', and an IPv6
// peer's brackets ("[::1]:5000") removed.
std::string_view peer_ip(std::string_view peer);

}  // namespace ringmq::broker::acl
