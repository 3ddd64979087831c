// RocketMQ's stored-message layout (docs/STORE-FORMAT.md §8.2): the CommitLog record, which PULL
// replies and VIEW_MESSAGE_BY_ID also carry byte for byte. The store writes and checks it, the
// broker reads fields back out of it, the client decodes pulled messages: all with this one
// decoder. The store's own rules (blank markers, CRCs, recovery) live in store/record_format.h.
//
//   TOTALSIZE i32 | MAGIC i32 | BODYCRC i32 | QUEUEID i32 | FLAG i32 | QUEUEOFFSET i64 |
//   PHYSICALOFFSET i64 | SYSFLAG i32 | BORNTIMESTAMP i64 | BORNHOST 4|16 + port i32 |
//   STORETIMESTAMP i64 | STOREHOST 4|16 + port i32 | RECONSUMETIMES i32 | PREPARED_TX_OFFSET i64 |
//   BODY len i32 + bytes | TOPIC len (i8 in V1, i16 in V2) + bytes | PROPERTIES len i16 + bytes
// All big-endian.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace ringmq::protocol {

inline constexpr std::uint32_t kMagicV1 = 0xDAA320A7u;
inline constexpr std::uint32_t kMagicV2 = 0xDAA320ABu;  // 5.x, topics > 127 bytes; read, never written
inline constexpr std::uint32_t kBlankMagic = 0xCBD43194u;

// Field positions valid for every record (before the first host address).
inline constexpr std::size_t kTotalSizePos = 0;
inline constexpr std::size_t kMagicPos = 4;
inline constexpr std::size_t kBodyCrcPos = 8;
inline constexpr std::size_t kQueueIdPos = 12;
inline constexpr std::size_t kFlagPos = 16;
inline constexpr std::size_t kQueueOffsetPos = 20;
inline constexpr std::size_t kPhysicalOffsetPos = 28;
inline constexpr std::size_t kSysFlagPos = 36;
inline constexpr std::size_t kBornTimestampPos = 40;
inline constexpr std::size_t kBornHostPos = 48;

// TOTALSIZE without body, topic and properties, for V1 with IPv4 hosts: 91.
inline constexpr std::size_t kRecordFixedBytesV1Ipv4 = 91;
inline constexpr std::size_t kTopicBytesMaxV1 = 127;
inline constexpr std::size_t kIpv4Bytes = 4;
inline constexpr std::size_t kIpv6Bytes = 16;

// SYSFLAG bits that change the layout (MessageSysFlag).
inline constexpr std::int32_t kSysFlagBornHostV6 = 0x10;
inline constexpr std::int32_t kSysFlagStoreHostV6 = 0x20;

struct StoredHost {
  Bytes ip;  // 4 or 16 bytes
  std::int32_t port = 0;
};

// The fields of one record; views point into the decoded bytes.
struct StoredMessage {
  std::uint32_t total_size = 0;
  std::uint32_t magic = 0;
  std::uint32_t body_crc = 0;
  std::int32_t queue_id = 0;
  std::int32_t flag = 0;
  std::int64_t queue_offset = 0;
  std::int64_t physical_offset = 0;
  std::int32_t sys_flag = 0;
  std::int64_t born_timestamp_ms = 0;
  StoredHost born_host;
  std::int64_t store_timestamp_ms = 0;
  StoredHost store_host;
  std::int32_t reconsume_times = 0;
  std::int64_t prepared_transaction_offset = 0;
  Bytes body;
  std::string_view topic;
  std::string_view properties;
};

// Decodes the record at the start of `bytes` (which may run on past it). Errors (Errc::malformed,
// the detail names the check): not a V1/V2 magic, TOTALSIZE below the fixed part or past the
// bytes, field lengths that do not add up to TOTALSIZE.
Result<StoredMessage> decode_stored_message(Bytes bytes);

}  // namespace ringmq::protocol
