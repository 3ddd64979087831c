// Remote-address patterns of plain_acl.yml (globalWhiteRemoteAddresses, an account's
// whiteRemoteAddress), with the meanings of RocketMQ 4.9.4's RemoteAddressStrategyFactory:
//   ""                         matches nothing (BlankRemoteAddressStrategy)
//   "*", "*.*.*.*"             matches every address
//   "192.168.0.{1,2,3}"        any of the listed last segments
//   "1.1.1.1,2.2.2.2"          any of the listed addresses
//   "192.168.0.*", "10.1.*.*"  a segment range: '*' is 0-255, "1-100" a closed range; the
//   "192.168.1.1-100"          segments after the range must be '*'
//   "127.0.0.1"                exactly that address
// IPv6 patterns are matched as exact text only ("*:*:*:*:*:*:*:*" matches everything).
// Immutable after parse; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmq::broker::acl {

class RemoteAddressPattern {
 public:
  // Errors (malformed) name the pattern, as RocketMQ refuses to load such a file.
  static Result<RemoteAddressPattern> parse(std::string_view pattern);

  // `ip` is the peer's address without its port ("127.0.0.1").
  bool matches(std::string_view ip) const;

 private:
  enum class Kind { none, any, list, range, exact };
  struct Segment {
    int low = 0;
    int high = 255;
  };
  Kind kind_ = Kind::none;
  std::vector<std::string> addresses_;  // list, exact
  std::array<Segment, 4> segments_{};   // range
};

// The peer's IP as RocketMQ's validator sees it: "ip:port" cut at the last ':'.
std::string_view peer_ip(std::string_view peer);

}  // namespace ringmq::broker::acl
