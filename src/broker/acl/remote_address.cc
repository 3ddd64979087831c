#include "broker/acl/remote_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace ringmq::broker::acl {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

// Splits like commons-lang StringUtils.split: empty tokens are dropped.
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool parse_octet(std::string_view text, int& out) {
  text = trim(text);
  if (text.empty() || text.size() > 3) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && out >= 0 && out <= 255;
}

bool parse_ipv4(std::string_view text, std::array<int, 4>& out) {
  const auto parts = split(text, '.');
  if (parts.size() != 4 || text.front() == '.' || text.back() == '.' ||
      text.find("..") != std::string_view::npos) {
    return false;
  }
  for (std::size_t i = 0; i < 4; ++i) {
    if (!parse_octet(parts[i], out[i])) return false;
  }
  return true;
}

Error bad_pattern(std::string_view pattern) {
  return make_error(Errc::malformed, fmt::format("Netaddress examine scope Exception netaddress is {}", pattern));
}

// One IPv6 group: 1-4 hex digits.
bool parse_hex_group(std::string_view text, int& out) {
  text = trim(text);
  if (text.empty() || text.size() > 4) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool parse_hex_groups(std::string_view text, std::vector<std::uint16_t>& out) {
  if (text.empty()) return true;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = std::min(text.find(':', start), text.size());
    int value = 0;
    if (!parse_hex_group(text.substr(start, end - start), value)) return false;  // also an empty group
    out.push_back(static_cast<std::uint16_t>(value));
    if (end == text.size()) return true;
    start = end + 1;
  }
}

// AclUtils.expandIP for a prefix: a "::" in it stands for as many zero groups as make `groups`
// groups in all; without one the groups are taken as written (fewer is a shorter prefix).
bool expand_prefix(std::string_view text, std::size_t groups, std::vector<std::uint16_t>& out) {
  const std::size_t gap = text.find("::");
  if (gap == std::string_view::npos) return !text.empty() && parse_hex_groups(text, out);
  std::vector<std::uint16_t> right;
  const std::string_view tail = text.substr(gap + 2);
  if (tail.find("::") != std::string_view::npos || !parse_hex_groups(text.substr(0, gap), out) ||
      !parse_hex_groups(tail, right) || out.size() + right.size() >= groups) {
    return false;
  }
  out.resize(groups - right.size(), 0);
  out.insert(out.end(), right.begin(), right.end());
  return true;
}

// Java sees an IPv4-mapped IPv6 peer as an Inet4Address.
IpAddress unmap_ipv4(IpAddress a) {
  if (!a.v6 || a.groups[5] != 0xffff || a.groups[0] != 0 || a.groups[1] != 0 || a.groups[2] != 0 ||
      a.groups[3] != 0 || a.groups[4] != 0) {
    return a;
  }
  IpAddress v4;
  v4.groups = {static_cast<std::uint16_t>(a.groups[6] >> 8), static_cast<std::uint16_t>(a.groups[6] & 0xff),
               static_cast<std::uint16_t>(a.groups[7] >> 8), static_cast<std::uint16_t>(a.groups[7] & 0xff)};
  return v4;
}

}  // namespace

bool parse_ip_address(std::string_view text, IpAddress& out) {
  text = trim(text);
  out = IpAddress{};
  if (text.find(':') == std::string_view::npos) {
    std::array<int, 4> octets{};
    if (!parse_ipv4(text, octets)) return false;
    for (std::size_t i = 0; i < 4; ++i) out.groups[i] = static_cast<std::uint16_t>(octets[i]);
    return true;
  }
  if (text.size() >= INET6_ADDRSTRLEN) return false;
  char buffer[INET6_ADDRSTRLEN] = {};
  text.copy(buffer, text.size());
  in6_addr raw{};
  if (::inet_pton(AF_INET6, buffer, &raw) != 1) return false;
  out.v6 = true;
  for (std::size_t i = 0; i < 8; ++i) {
    out.groups[i] = static_cast<std::uint16_t>((raw.s6_addr[2 * i] << 8) | raw.s6_addr[2 * i + 1]);
  }
  return true;
}

std::string_view peer_ip(std::string_view peer) {
  const std::size_t colon = peer.rfind(':');
  std::string_view ip = colon == std::string_view::npos ? peer : peer.substr(0, colon);
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  return ip;
}

Result<RemoteAddressPattern> RemoteAddressPattern::parse_ipv6_range(std::string_view pattern) {
  // AclUtils.IPv6AddressCheck: '*' only as the last character; '-' only in the last group, or in
  // the one before a final ":*".
  const std::size_t star = pattern.find('*');
  const std::size_t dash = pattern.find('-');
  const std::size_t last_colon = pattern.rfind(':');
  if (star != std::string_view::npos && star != pattern.size() - 1) return bad_pattern(pattern);
  if (last_colon == 0 || last_colon == std::string_view::npos) return bad_pattern(pattern);
  const std::string_view last = pattern.substr(last_colon + 1);
  RemoteAddressPattern p;
  p.kind_ = Kind::range6;
  std::string_view prefix = pattern.substr(0, last_colon);
  std::string_view range = last;
  std::size_t groups = 7;
  if (star != std::string_view::npos && dash != std::string_view::npos) {
    const std::size_t second_colon = pattern.rfind(':', last_colon - 1);
    if (last != "*" || second_colon == std::string_view::npos || dash <= second_colon) return bad_pattern(pattern);
    prefix = pattern.substr(0, second_colon);
    range = pattern.substr(second_colon + 1, last_colon - second_colon - 1);
    groups = 6;
  } else if (star != std::string_view::npos ? last != "*" : dash <= last_colon) {
    return bad_pattern(pattern);
  }
  if (!expand_prefix(prefix, groups, p.v6_prefix_) || p.v6_prefix_.size() >= 8) return bad_pattern(pattern);
  if (range == "*") {
    p.v6_range_ = Segment{0, 0xffff};
    return p;
  }
  const std::size_t cut = range.find('-');
  if (cut == 0 || !parse_hex_group(range.substr(0, cut), p.v6_range_.low) ||
      !parse_hex_group(range.substr(cut + 1), p.v6_range_.high) || p.v6_range_.low > p.v6_range_.high) {
    return bad_pattern(pattern);
  }
  return p;
}

Result<RemoteAddressPattern> RemoteAddressPattern::parse(std::string_view pattern) {
  RemoteAddressPattern p;
  if (trim(pattern).empty()) return p;  // Kind::none
  if (pattern == "*" || pattern == "*.*.*.*" || pattern == "*:*:*:*:*:*:*:*") {
    p.kind_ = Kind::any;
    return p;
  }
  const bool ipv6 = pattern.find(':') != std::string_view::npos;
  if (pattern.back() == '}') {  // a.b.c.{x,y} or fe80::1:{x,y}
    const std::size_t brace = pattern.find('{');
    const std::string_view head = pattern.substr(0, brace == std::string_view::npos ? 0 : brace);
    const char sep = ipv6 ? ':' : '.';
    if (brace == std::string_view::npos || head.empty() || head.back() != sep ||
        (!ipv6 && split(head, '.').size() != 3)) {
      return bad_pattern(pattern);
    }
    p.kind_ = Kind::list;
    for (auto last : split(pattern.substr(brace + 1, pattern.size() - brace - 2), ',')) {
      IpAddress address;
      if (!parse_ip_address(fmt::format("{}{}", head, trim(last)), address) || address.v6 != ipv6) {
        return bad_pattern(pattern);
      }
      p.addresses_.push_back(address);
    }
    return p;
  }
  if (pattern.find(',') != std::string_view::npos) {
    p.kind_ = Kind::list;
    for (auto text : split(pattern, ',')) {
      IpAddress address;
      if (!parse_ip_address(text, address)) return bad_pattern(pattern);
      p.addresses_.push_back(address);
    }
    return p;
  }
  if (pattern.find_first_of("*-") != std::string_view::npos) {
    if (ipv6) return parse_ipv6_range(pattern);
    const auto parts = split(pattern, '.');
    if (parts.size() != 4) return bad_pattern(pattern);
    p.kind_ = Kind::range4;
    bool ranged = false;  // a '*' or a range was seen: every later segment must be '*'
    for (std::size_t i = 0; i < 4; ++i) {
      const std::string_view part = trim(parts[i]);
      Segment& seg = p.segments_[i];
      if (part == "*") {
        ranged = true;
        continue;
      }
      if (ranged) return bad_pattern(pattern);
      const std::size_t dash = part.find('-');
      if (dash != std::string_view::npos) {
        if (i == 0 || !parse_octet(part.substr(0, dash), seg.low) || !parse_octet(part.substr(dash + 1), seg.high) ||
            seg.low > seg.high) {
          return bad_pattern(pattern);
        }
        ranged = true;
      } else {
        if (!parse_octet(part, seg.low)) return bad_pattern(pattern);
        seg.high = seg.low;
      }
    }
    return p;
  }
  // OneRemoteAddressStrategy: one address, IPv4 or IPv6.
  IpAddress address;
  if (!parse_ip_address(pattern, address)) {
    return make_error(Errc::malformed, fmt::format("Netaddress examine Exception netaddress is {}", pattern));
  }
  p.kind_ = Kind::list;
  p.addresses_.push_back(address);
  return p;
}

bool RemoteAddressPattern::matches(std::string_view ip) const {
  if (kind_ == Kind::none) return false;
  if (kind_ == Kind::any) return true;
  IpAddress peer;
  if (!parse_ip_address(ip, peer)) return false;
  peer = unmap_ipv4(peer);
  switch (kind_) {
    case Kind::list:
      for (const auto& address : addresses_) {
        if (address == peer) return true;
      }
      return false;
    case Kind::range4:
      if (peer.v6) return false;
      for (std::size_t i = 0; i < 4; ++i) {
        if (peer.groups[i] < segments_[i].low || peer.groups[i] > segments_[i].high) return false;
      }
      return true;
    case Kind::range6: {
      if (!peer.v6) return false;
      const std::size_t n = v6_prefix_.size();
      if (!std::equal(v6_prefix_.begin(), v6_prefix_.end(), peer.groups.begin())) return false;
      return peer.groups[n] >= v6_range_.low && peer.groups[n] <= v6_range_.high;
    }
    case Kind::none:
    case Kind::any:
      break;
  }
  return false;
}

}  // namespace ringmq::broker::acl
