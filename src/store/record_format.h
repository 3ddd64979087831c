// RocketMQ's stored-message record (docs/STORE-FORMAT.md §8.2-8.5), byte for byte: the encoder the
// append path uses and the checking parser recovery and reads use. The layout itself (positions,
// magic codes, the field decoder) is protocol/stored_message.h, shared with broker and client.
//
// A record never spans two segments. The writer keeps at least kBlankMarkerBytes free at the end of
// a segment so a blank marker (TOTALSIZE = bytes left, MAGIC = kBlankMagic) always fits.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "protocol/properties.h"
#include "protocol/stored_message.h"
#include "store/types.h"

namespace ringmq::store {

using protocol::kBlankMagic;
using protocol::kBornHostPos;
using protocol::kMagicPos;
using protocol::kMagicV1;
using protocol::kMagicV2;
using protocol::kNameValueSeparator;
using protocol::kPropertiesBytesMax;
using protocol::kPropertySeparator;
using protocol::kRecordFixedBytesV1Ipv4;
using protocol::kSysFlagBornHostV6;
using protocol::kSysFlagStoreHostV6;
using protocol::kTopicBytesMaxV1;

inline constexpr std::size_t kBlankMarkerBytes = 8;
// A whole record may exceed the body limit by this much (topic, properties, fixed fields).
inline constexpr std::size_t kRecordOverheadBytesMax = 64 * 1024;

// sysFlag bits (§4.4) the store looks at.
inline constexpr std::int32_t kSysFlagTransactionMask = 0x0C;
inline constexpr std::int32_t kSysFlagTransactionPrepared = 0x04;
inline constexpr std::int32_t kSysFlagTransactionCommit = 0x08;
inline constexpr std::int32_t kSysFlagTransactionRollback = 0x0C;

// Property names the store reads (§4.2).
inline constexpr std::string_view kPropertyTags = "TAGS";
inline constexpr std::string_view kPropertyKeys = "KEYS";
inline constexpr std::string_view kPropertyUniqKey = "UNIQ_KEY";
// RocketMQ 5.x whole-record CRC (§8.3 rule 4): the last 20 bytes of PROPERTIES are
// "__CRC32#" 0x01 + 10 decimal digits (least significant first) + 0x02, over bytes
// [0, TOTALSIZE - 20). BODYCRC alone cannot tell a record whose properties were torn off.
inline constexpr std::string_view kPropertyCrc32 = "__CRC32#";
inline constexpr std::size_t kRecordCrcBytes = 20;

enum class RecordCrc {
  body_only,     // RocketMQ's default: BODYCRC only
  whole_record,  // also append the __CRC32# property (ringmq's default for the CommitLog)
};

// An IPv4 (4-byte) or IPv6 (16-byte) address and a port, as stored in BORNHOST/STOREHOSTADDRESS.
struct HostAddress {
  std::array<std::uint8_t, 16> ip{};
  std::uint8_t ip_bytes = 4;  // 4 or 16
  std::int32_t port = 0;

  static HostAddress ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::int32_t port) {
    HostAddress h;
    h.ip = {a, b, c, d};
    h.port = port;
    return h;
  }
  // A host as a stored record holds it.
  static HostAddress of(const protocol::StoredHost& stored);
};

// One message as the broker hands it to the store. The views must stay valid for the call only.
struct MessageInput {
  std::string_view topic;
  QueueId queue_id;
  std::int32_t flag = 0;
  Bytes body;
  std::string_view properties;  // already encoded (§4.2), stored as given
  std::int32_t sys_flag = 0;    // host V6 bits are set by the store from the addresses
  std::int64_t born_timestamp_ms = 0;
  HostAddress born_host;
  HostAddress store_host;
  std::int32_t reconsume_times = 0;
  std::int64_t prepared_transaction_offset = 0;
  std::int64_t tags_code = 0;  // tag_hash_of(properties) unless the caller knows better (delay topic)
};

// The fields of a stored record; views point into the mapped segment.
struct RecordView {
  std::uint32_t total_size = 0;
  std::uint32_t magic = 0;
  std::uint32_t body_crc = 0;
  QueueId queue_id;
  std::int32_t flag = 0;
  QueueOffset queue_offset;
  PhysicalOffset physical_offset;
  std::int32_t sys_flag = 0;
  std::int64_t born_timestamp_ms = 0;
  protocol::StoredHost born_host;
  std::int64_t store_timestamp_ms = 0;
  protocol::StoredHost store_host;
  std::int32_t reconsume_times = 0;
  std::int64_t prepared_transaction_offset = 0;
  Bytes body;
  std::string_view topic;
  std::string_view properties;
};

enum class ParseStatus {
  record,       // a whole, checked record
  blank,        // end-of-segment marker: continue at the next segment
  end_of_data,  // zeros or too few bytes: nothing was written here
  corrupt,      // something was written here but it does not check (torn or damaged)
};

struct ParseResult {
  ParseStatus status = ParseStatus::end_of_data;
  RecordView record;
  std::uint32_t size = 0;   // bytes to skip (record or blank); for corrupt: the TOTALSIZE read
  const char* why = "";     // for corrupt: which check failed
};

// Exact TOTALSIZE of `m` once stored (V1).
std::size_t encoded_size(const MessageInput& m, RecordCrc crc = RecordCrc::body_only);
// Rejects what RocketMQ rejects as MESSAGE_ILLEGAL (§8.3): body, properties or topic too large.
Status validate_message(const MessageInput& m, std::size_t body_bytes_max, RecordCrc crc = RecordCrc::body_only);
// Writes the record for `m` into out[0, encoded_size(m, crc)).
void encode_record(const MessageInput& m, QueueOffset queue_offset, PhysicalOffset physical_offset,
                   std::int64_t store_timestamp_ms, std::uint8_t* out, RecordCrc crc = RecordCrc::body_only);
// Writes a blank marker covering `remaining_bytes` (>= kBlankMarkerBytes).
void encode_blank(std::uint8_t* out, std::uint32_t remaining_bytes);
// Parses the record at the start of `bytes` (what is left of a segment) per §8.5. With check_crc,
// BODYCRC and (if present, or if `require` is whole_record) the __CRC32# property are verified.
ParseResult parse_record(Bytes bytes, bool check_crc, RecordCrc require = RecordCrc::body_only);

// ConsumeQueue tags code (§4.6): Java hashCode of TAGS sign-extended, 0 without TAGS.
std::int64_t tag_hash_of(std::string_view properties);
// Whether a record of this sysFlag takes a queue offset and gets a ConsumeQueue entry (§8.3, §9.1).
inline bool takes_queue_offset(std::int32_t sys_flag) {
  const std::int32_t t = sys_flag & kSysFlagTransactionMask;
  return t != kSysFlagTransactionPrepared && t != kSysFlagTransactionRollback;
}
// Offset message id (§4.5): store host ip + port + physical offset; 16 bytes for IPv4.
struct OffsetMessageId {
  std::array<std::uint8_t, 28> bytes{};
  std::uint8_t size = 0;
  Bytes view() const { return {bytes.data(), size}; }
};
OffsetMessageId make_offset_message_id(const HostAddress& store_host, PhysicalOffset offset);

}  // namespace ringmq::store
