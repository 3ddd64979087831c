// The replication wire format between a ringmq master and its slaves (docs/ARCHITECTURE.md §10).
// ringmq to ringmq only: the CommitLog is sharded, so every frame names its shard, and a slave
// runs one connection per shard. RocketMQ's own HA stream (PROTOCOL.md §12.2) carries one log.
//
// Every frame is a 32-byte header (HaFrameHeaderDisk, big-endian fields) and `body_bytes` bytes:
//   hello     slave -> master  shard, shard_count, offset = the slave's log end, or kHaOffsetEmpty
//   report    slave -> master  offset = the slave's log end (its confirmed offset), no body
//   data      master -> slave  offset = where the body's bytes go: whole records, maybe ending in
//                              a blank marker, never across a segment end
//   heartbeat master -> slave  offset = the master's log end, no body
//   refuse    master -> slave  body = why (text); the master closes the connection after it
// A header with another magic, version or kind, or a body over the limit, closes the connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"

namespace ringmq::broker::ha {

inline constexpr std::uint32_t kHaMagic = 0x524D4841;  // "RMHA"
inline constexpr std::uint8_t kHaVersion = 1;
// A slave with an empty log asks for the master's oldest retained segment.
inline constexpr std::int64_t kHaOffsetEmpty = -1;
// Bytes of records the master puts in one data frame (one record more if a single one is larger).
inline constexpr std::size_t kHaTransferBatchBytes = 256 * 1024;
// Text of a refuse frame, at most.
inline constexpr std::size_t kHaRefuseBytesMax = 1024;
// How often a slave reports at the latest, and the master sends a heartbeat when idle (RocketMQ
// haSendHeartbeatInterval).
inline constexpr std::int64_t kHaHeartbeatIntervalMs = 5000;
// A connection that received nothing for this long is closed (RocketMQ haHousekeepingInterval).
inline constexpr std::int64_t kHaHousekeepingMs = 20'000;
// A shard whose best slave lacks more than this is logged by the master (every kHaLagCheckMs at
// most, while it lasts).
inline constexpr std::int64_t kHaLagLogBytes = 64ll * 1024 * 1024;
inline constexpr std::int64_t kHaLagCheckMs = 10'000;
// How soon a slave connects again after its connection closed or failed.
inline constexpr std::int64_t kHaReconnectMs = 1000;

enum class HaKind : std::uint8_t { hello = 1, report = 2, data = 3, heartbeat = 4, refuse = 5 };

struct HaFrameHeaderDisk {
  std::uint8_t magic[4];
  std::uint8_t version;
  std::uint8_t kind;
  std::uint8_t shard[2];
  std::uint8_t shard_count[4];
  std::uint8_t body_bytes[4];
  std::uint8_t reserved[4];
  std::uint8_t offset[8];
  std::uint8_t flags[4];
};
static_assert(sizeof(HaFrameHeaderDisk) == 32);
inline constexpr std::size_t kHaHeaderBytes = sizeof(HaFrameHeaderDisk);

// Flag of a data frame: its body ends with a blank marker (the write offset moves to the segment end).
inline constexpr std::uint32_t kHaFlagBlankTail = 1;

struct HaFrame {
  HaKind kind = HaKind::report;
  std::uint16_t shard = 0;
  std::uint32_t shard_count = 0;
  std::uint32_t body_bytes = 0;
  std::int64_t offset = 0;
  std::uint32_t flags = 0;
};

// Writes the header of `f` into out[0, kHaHeaderBytes).
void encode_ha_header(const HaFrame& f, std::uint8_t* out);
std::string encode_ha_header(const HaFrame& f);
// Decodes a header; Errc::invalid_argument (closing the connection) for a wrong magic, version or
// kind, or a body larger than `body_bytes_max` (a refuse frame: kHaRefuseBytesMax; no body for
// hello, report, heartbeat).
Result<HaFrame> decode_ha_header(Bytes header, std::size_t body_bytes_max);

// Accumulates a byte stream into whole frames (header + body), for either side.
class HaFrameReader {
 public:
  explicit HaFrameReader(std::size_t body_bytes_max) : body_bytes_max_(body_bytes_max) {}
  void append(Bytes data) { buffer_.append(reinterpret_cast<const char*>(data.data()), data.size()); }
  // The next whole frame and its body (valid until the next call), nothing when more bytes are
  // needed, or the error that must close the connection.
  Result<std::optional<std::pair<HaFrame, Bytes>>> next();
  std::size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  std::size_t body_bytes_max_;
  std::string buffer_;
  std::size_t consumed_ = 0;
};

}  // namespace ringmq::broker::ha
