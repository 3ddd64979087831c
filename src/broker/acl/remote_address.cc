#include "broker/acl/remote_address.h"

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

}  // namespace

std::string_view peer_ip(std::string_view peer) {
  const std::size_t colon = peer.rfind(':');
  return colon == std::string_view::npos ? peer : peer.substr(0, colon);
}

Result<RemoteAddressPattern> RemoteAddressPattern::parse(std::string_view pattern) {
  RemoteAddressPattern p;
  if (trim(pattern).empty()) return p;  // Kind::none
  if (pattern == "*" || pattern == "*.*.*.*" || pattern == "*:*:*:*:*:*:*:*") {
    p.kind_ = Kind::any;
    return p;
  }
  const bool ipv6 = pattern.find(':') != std::string_view::npos;
  if (ipv6) {
    if (pattern.find_first_of(",{*-") != std::string_view::npos) return bad_pattern(pattern);
    p.kind_ = Kind::exact;
    p.addresses_.emplace_back(pattern);
    return p;
  }
  if (pattern.back() == '}') {  // a.b.c.{x,y}
    const std::size_t brace = pattern.find('{');
    const std::string_view head = pattern.substr(0, brace == std::string_view::npos ? 0 : brace);
    if (brace == std::string_view::npos || split(head, '.').size() != 3 || head.back() != '.') {
      return bad_pattern(pattern);
    }
    p.kind_ = Kind::list;
    for (auto last : split(pattern.substr(brace + 1, pattern.size() - brace - 2), ',')) {
      std::array<int, 4> ip{};
      std::string address = fmt::format("{}{}", head, trim(last));
      if (!parse_ipv4(address, ip)) return bad_pattern(pattern);
      p.addresses_.push_back(std::move(address));
    }
    return p;
  }
  if (pattern.find(',') != std::string_view::npos) {
    p.kind_ = Kind::list;
    for (auto address : split(pattern, ',')) {
      std::array<int, 4> ip{};
      if (!parse_ipv4(trim(address), ip)) return bad_pattern(pattern);
      p.addresses_.emplace_back(trim(address));
    }
    return p;
  }
  if (pattern.find_first_of("*-") != std::string_view::npos) {
    const auto parts = split(pattern, '.');
    if (parts.size() != 4) return bad_pattern(pattern);
    p.kind_ = Kind::range;
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
  p.kind_ = Kind::exact;
  p.addresses_.emplace_back(pattern);
  return p;
}

bool RemoteAddressPattern::matches(std::string_view ip) const {
  switch (kind_) {
    case Kind::none:
      return false;
    case Kind::any:
      return true;
    case Kind::list:
    case Kind::exact:
      for (const auto& address : addresses_) {
        if (address == ip) return true;
      }
      return false;
    case Kind::range: {
      std::array<int, 4> octets{};
      if (!parse_ipv4(ip, octets)) return false;
      for (std::size_t i = 0; i < 4; ++i) {
        if (octets[i] < segments_[i].low || octets[i] > segments_[i].high) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace ringmq::broker::acl
