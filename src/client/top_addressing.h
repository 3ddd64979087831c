// TopAddressing: NameServer addresses from an HTTP address server, as RocketMQ clients fetch them
// when no address is configured (TopAddressing#fetchNSAddr). The server answers a GET with
// "host:port;host:port"; the client fetches at start and every kNamesrvFetchIntervalMs, and
// switches when the list changes.
//
// Pure functions plus one blocking HTTP GET (plain sockets with timeouts); any thread, never a
// reactor thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmq::client {

// MQClientInstance fetches the address list every 2 minutes.
inline constexpr std::int64_t kNamesrvFetchIntervalMs = 120'000;
// TopAddressing's HTTP timeout.
inline constexpr std::int64_t kNamesrvFetchTimeoutMs = 3000;
// Larger answers are refused (a list of NameServers is a few hundred bytes).
inline constexpr std::size_t kNamesrvFetchBytesMax = 64 * 1024;
inline constexpr std::string_view kDefaultNamesrvSubgroup = "nsaddr";

// MixAll#getWSAddr: "http://<domain>:8080/rocketmq/<subgroup>", or without ":8080" when the
// domain names its port.
std::string ws_addr(std::string_view domain, std::string_view subgroup = kDefaultNamesrvSubgroup);

// GETs `url` ("http://host:port/path") and returns the body trimmed of whitespace. Errors: io,
// timeout, malformed (not HTTP, or a status other than 200), too_large.
Result<std::string> fetch_namesrv_addr(const std::string& url, std::int64_t timeout_ms = kNamesrvFetchTimeoutMs);

}  // namespace ringmq::client
