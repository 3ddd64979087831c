// Limits of the remoting glue. Frame size limits live in remoting/codec.h (kFrameBytesMax).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ringmq::rpc {

// Requests this side sent on one connection that still wait for their response. invoke() beyond
// it fails with Errc::busy (the caller backs off; Java's semaphore does the same).
inline constexpr std::size_t kPendingCallsPerConnectionMax = 4096;
// Requests received on one connection whose reply is still owed (running or parked, e.g. long
// polling). Beyond it a request is answered SYSTEM_BUSY at once, as Java does when the processor's
// executor queue is full.
inline constexpr std::size_t kOpenRequestsPerConnectionMax = 4096;
// Calls queued on an outgoing connection that is still being established.
inline constexpr std::size_t kCallsWaitingForConnectMax = 1024;
// Timeout of a call when the caller gives none (RocketMQ clients use 3 s for most calls).
inline constexpr std::int64_t kDefaultCallTimeoutMs = 3000;
// Bytes a response callback may capture inline.
inline constexpr std::size_t kResponseCaptureBytes = 64;
// An encoded frame up to this size is copied into the connection's coalescing buffer; a larger one
// is handed over whole, without a copy.
inline constexpr std::size_t kCopyFrameBytesMax = 64 * 1024;
// A request body of at least this size is moved into the send queue as it is, behind its encoded
// prefix, instead of being copied into the frame and again into the coalescing buffer (a producer's
// batch of 32 x 1 KiB saves two 32 KiB copies).
inline constexpr std::size_t kMoveBodyBytesMin = 8 * 1024;

// Connections one core's server accepts from one remote IP; more are closed at once. Counted per
// core (cores share nothing), so a process takes up to cores x this from one IP.
inline constexpr std::size_t kConnectionsPerIpPerCoreMax = 4096;
// An accepted connection that completes no frame for this long is closed: idle and half-open
// peers, and ones that trickle a header in. RocketMQ closes channels idle for 120 s
// (serverChannelMaxIdleTimeSeconds); its clients heartbeat every 30 s.
inline constexpr std::int64_t kIdleConnectionTimeoutMs = 120'000;
// How often a server looks for idle connections.
inline constexpr std::int64_t kIdleSweepIntervalMs = 1000;

// The configurable limits of a RemotingServer (defaults above).
struct ServerLimits {
  std::size_t connections_per_ip_max = kConnectionsPerIpPerCoreMax;
  std::int64_t idle_timeout_ms = kIdleConnectionTimeoutMs;  // 0: never close idle connections
};

}  // namespace ringmq::rpc
