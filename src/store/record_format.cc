#include "store/record_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "base/hash.h"

namespace ringmq::store {
namespace {

std::size_t host_bytes(const HostAddress& h) { return std::size_t{h.ip_bytes} + 4; }

std::uint8_t* put_host(std::uint8_t* p, const HostAddress& h) {
  std::memcpy(p, h.ip.data(), h.ip_bytes);
  store_be32(p + h.ip_bytes, static_cast<std::uint32_t>(h.port));
  return p + host_bytes(h);
}

std::uint8_t* put32(std::uint8_t* p, std::uint32_t v) {
  store_be32(p, v);
  return p + 4;
}

std::uint8_t* put64(std::uint8_t* p, std::int64_t v) {
  store_be64(p, static_cast<std::uint64_t>(v));
  return p + 8;
}

bool all_zero(Bytes b) {
  for (std::uint8_t c : b)
    if (c != 0) return false;
  return true;
}

ParseResult corrupt(std::uint32_t size, const char* why) {
  ParseResult r;
  r.status = ParseStatus::corrupt;
  r.size = size;
  r.why = why;
  return r;
}

// Bytes the __CRC32# property adds: a separator if the properties do not end in one, then 20.
std::size_t record_crc_bytes(const MessageInput& m, RecordCrc crc) {
  if (crc == RecordCrc::body_only) return 0;
  const bool needs_separator = !m.properties.empty() && m.properties.back() != kPropertySeparator;
  return kRecordCrcBytes + (needs_separator ? 1 : 0);
}

// Writes the 10 digits of `crc`, least significant first (MessageDecoder.createCrc32).
void put_crc_digits(std::uint8_t* p, std::uint32_t crc) {
  for (int i = 0; i < 10; ++i) {
    p[i] = static_cast<std::uint8_t>('0' + crc % 10);
    crc /= 10;
  }
}

// Checks the trailing __CRC32# property: 1 = good, 0 = absent, -1 = present but wrong.
int check_record_crc(Bytes record, std::string_view properties) {
  if (properties.size() < kRecordCrcBytes) return 0;
  const std::string_view tail = properties.substr(properties.size() - kRecordCrcBytes);
  if (tail.substr(0, kPropertyCrc32.size()) != kPropertyCrc32 || tail[8] != kNameValueSeparator ||
      tail[19] != kPropertySeparator)
    return 0;
  std::uint8_t expect[10];
  put_crc_digits(expect, crc32(record.first(record.size() - kRecordCrcBytes)) & 0x7FFFFFFFu);
  return std::memcmp(expect, tail.data() + 9, 10) == 0 ? 1 : -1;
}

}  // namespace

std::size_t encoded_size(const MessageInput& m, RecordCrc crc) {
  return kRecordFixedBytesV1Ipv4 - 16 + host_bytes(m.born_host) + host_bytes(m.store_host) +
         m.body.size() + m.topic.size() + m.properties.size() + record_crc_bytes(m, crc);
}

Status validate_message(const MessageInput& m, std::size_t body_bytes_max, RecordCrc crc) {
  if (m.body.size() > body_bytes_max)
    return make_error(Errc::too_large, fmt::format("message body of {} bytes exceeds {}", m.body.size(), body_bytes_max));
  const std::size_t property_bytes = m.properties.size() + record_crc_bytes(m, crc);
  if (property_bytes > kPropertiesBytesMax)
    return make_error(Errc::too_large, fmt::format("properties of {} bytes exceed {}", property_bytes, kPropertiesBytesMax));
  if (m.topic.empty() || m.topic.size() > kTopicBytesMaxV1)
    return make_error(Errc::invalid_argument, fmt::format("topic length {} not in [1, {}]", m.topic.size(), kTopicBytesMaxV1));
  if ((m.born_host.ip_bytes != 4 && m.born_host.ip_bytes != 16) || (m.store_host.ip_bytes != 4 && m.store_host.ip_bytes != 16))
    return make_error(Errc::invalid_argument, "host address must be 4 or 16 bytes");
  return {};
}

void encode_record(const MessageInput& m, QueueOffset queue_offset, PhysicalOffset physical_offset,
                   std::int64_t store_timestamp_ms, std::uint8_t* out, RecordCrc crc) {
  const std::size_t total = encoded_size(m, crc);
  const std::size_t crc_bytes = record_crc_bytes(m, crc);
  std::int32_t sys_flag = m.sys_flag & ~(kSysFlagBornHostV6 | kSysFlagStoreHostV6);
  if (m.born_host.ip_bytes == 16) sys_flag |= kSysFlagBornHostV6;
  if (m.store_host.ip_bytes == 16) sys_flag |= kSysFlagStoreHostV6;

  std::uint8_t* p = out;
  p = put32(p, static_cast<std::uint32_t>(total));
  p = put32(p, kMagicV1);
  const std::uint32_t body_crc = crc32(m.body);
  p = put32(p, body_crc & 0x7FFFFFFFu);
  p = put32(p, static_cast<std::uint32_t>(m.queue_id.value));
  p = put32(p, static_cast<std::uint32_t>(m.flag));
  p = put64(p, queue_offset.value);
  p = put64(p, physical_offset.value);
  p = put32(p, static_cast<std::uint32_t>(sys_flag));
  p = put64(p, m.born_timestamp_ms);
  p = put_host(p, m.born_host);
  p = put64(p, store_timestamp_ms);
  p = put_host(p, m.store_host);
  p = put32(p, static_cast<std::uint32_t>(m.reconsume_times));
  p = put64(p, m.prepared_transaction_offset);
  p = put32(p, static_cast<std::uint32_t>(m.body.size()));
  if (!m.body.empty()) std::memcpy(p, m.body.data(), m.body.size());
  p += m.body.size();
  *p++ = static_cast<std::uint8_t>(m.topic.size());
  std::memcpy(p, m.topic.data(), m.topic.size());
  p += m.topic.size();
  store_be16(p, static_cast<std::uint16_t>(m.properties.size() + crc_bytes));
  p += 2;
  if (!m.properties.empty()) std::memcpy(p, m.properties.data(), m.properties.size());
  p += m.properties.size();
  if (crc_bytes > 0) {
    if (crc_bytes > kRecordCrcBytes) *p++ = kPropertySeparator;
    std::memcpy(p, kPropertyCrc32.data(), kPropertyCrc32.size());
    p[8] = kNameValueSeparator;
    p[19] = kPropertySeparator;
    // One pass over the record just written (still in cache). Reusing the body's CRC needed zlib's
    // crc32_combine, which alone took 1.9% of the broker's CPU in a batch-send profile.
    const std::uint32_t record_crc = crc32(Bytes(out, total - kRecordCrcBytes));
    put_crc_digits(p + 9, record_crc & 0x7FFFFFFFu);
    p += kRecordCrcBytes;
  }
  RINGMQ_ASSERT(static_cast<std::size_t>(p - out) == total);
}

void encode_blank(std::uint8_t* out, std::uint32_t remaining_bytes) {
  RINGMQ_ASSERT(remaining_bytes >= kBlankMarkerBytes);
  store_be32(out, remaining_bytes);
  store_be32(out + 4, kBlankMagic);
}

ParseResult parse_record(Bytes bytes, bool check_crc, RecordCrc require) {
  if (bytes.size() < kBlankMarkerBytes) {
    return all_zero(bytes) ? ParseResult{} : corrupt(0, "bytes at the end of a segment");
  }
  const std::uint32_t total = load_be32(bytes.data());
  const std::uint32_t magic = load_be32(bytes.data() + kMagicPos);
  if (magic == kBlankMagic) {
    if (total != bytes.size()) return corrupt(total, "blank marker does not reach the segment end");
    ParseResult r;
    r.status = ParseStatus::blank;
    r.size = total;
    return r;
  }
  if (magic != kMagicV1 && magic != kMagicV2) {
    if (total == 0 && magic == 0) return ParseResult{};
    return corrupt(total, "bad magic code");
  }
  if (total < kRecordFixedBytesV1Ipv4 || total > bytes.size()) return corrupt(total, "record length out of range");

  Result<protocol::StoredMessage> decoded = protocol::decode_stored_message(bytes.first(total));
  if (!decoded.ok()) return corrupt(total, "field lengths do not add up to TOTALSIZE");
  const protocol::StoredMessage& m = *decoded;
  RecordView v;
  v.total_size = m.total_size;
  v.magic = m.magic;
  v.body_crc = m.body_crc;
  v.queue_id = QueueId{m.queue_id};
  v.flag = m.flag;
  v.queue_offset = QueueOffset{m.queue_offset};
  v.physical_offset = PhysicalOffset{m.physical_offset};
  v.sys_flag = m.sys_flag;
  v.born_timestamp_ms = m.born_timestamp_ms;
  v.born_host = m.born_host;
  v.store_timestamp_ms = m.store_timestamp_ms;
  v.store_host = m.store_host;
  v.reconsume_times = m.reconsume_times;
  v.prepared_transaction_offset = m.prepared_transaction_offset;
  v.body = m.body;
  v.topic = m.topic;
  v.properties = m.properties;
  if (check_crc) {
    if ((crc32(v.body) & 0x7FFFFFFFu) != v.body_crc) return corrupt(total, "body CRC mismatch");
    const int whole = check_record_crc(bytes.first(total), v.properties);
    if (whole < 0) return corrupt(total, "record CRC (__CRC32#) mismatch");
    if (whole == 0 && require == RecordCrc::whole_record) return corrupt(total, "record CRC (__CRC32#) missing");
  }

  ParseResult r;
  r.status = ParseStatus::record;
  r.record = v;
  r.size = total;
  return r;
}

std::int64_t tag_hash_of(std::string_view properties) {
  const std::optional<std::string_view> tags = protocol::find_property(properties, kPropertyTags);
  return tags ? static_cast<std::int64_t>(java_string_hash(*tags)) : 0;
}

HostAddress HostAddress::of(const protocol::StoredHost& stored) {
  HostAddress h;
  h.ip_bytes = static_cast<std::uint8_t>(std::min(stored.ip.size(), h.ip.size()));
  std::memcpy(h.ip.data(), stored.ip.data(), h.ip_bytes);
  h.port = stored.port;
  return h;
}

OffsetMessageId make_offset_message_id(const HostAddress& store_host, PhysicalOffset offset) {
  OffsetMessageId id;
  std::uint8_t* p = id.bytes.data();
  std::memcpy(p, store_host.ip.data(), store_host.ip_bytes);
  p += store_host.ip_bytes;
  p = put32(p, static_cast<std::uint32_t>(store_host.port));
  p = put64(p, offset.value);
  id.size = static_cast<std::uint8_t>(p - id.bytes.data());
  return id;
}

}  // namespace ringmq::store
