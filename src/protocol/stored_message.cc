#include "protocol/stored_message.h"

#include <fmt/format.h>


namespace ringmq::protocol {
namespace {

Error malformed(std::string detail) { return make_error(Errc::malformed, std::move(detail)); }

StoredHost read_host(ByteReader& in, bool v6) {
  StoredHost h;
  h.ip = in.bytes(v6 ? kIpv6Bytes : kIpv4Bytes);
  h.port = in.i32();
  return h;
}

}  // namespace

Result<StoredMessage> decode_stored_message(Bytes bytes) {
  if (bytes.size() < kMagicPos + 4) return malformed("record shorter than its TOTALSIZE and MAGIC");
  const std::uint32_t total = load_be32(bytes.data() + kTotalSizePos);
  const std::uint32_t magic = load_be32(bytes.data() + kMagicPos);
  if (magic != kMagicV1 && magic != kMagicV2) return malformed(fmt::format("bad magic code {:#x}", magic));
  if (total < kRecordFixedBytesV1Ipv4 || total > bytes.size()) {
    return malformed(fmt::format("record length {} out of range [{}, {}]", total, kRecordFixedBytesV1Ipv4, bytes.size()));
  }
  ByteReader in(bytes.first(total));
  StoredMessage m;
  m.total_size = in.u32();
  m.magic = in.u32();
  m.body_crc = in.u32();
  m.queue_id = in.i32();
  m.flag = in.i32();
  m.queue_offset = in.i64();
  m.physical_offset = in.i64();
  m.sys_flag = in.i32();
  m.born_timestamp_ms = in.i64();
  m.born_host = read_host(in, (m.sys_flag & kSysFlagBornHostV6) != 0);
  m.store_timestamp_ms = in.i64();
  m.store_host = read_host(in, (m.sys_flag & kSysFlagStoreHostV6) != 0);
  m.reconsume_times = in.i32();
  m.prepared_transaction_offset = in.i64();
  const std::uint32_t body_bytes = in.u32();
  if (body_bytes > total) return malformed("body length out of range");
  m.body = in.bytes(body_bytes);
  const std::size_t topic_bytes = magic == kMagicV1 ? in.u8() : in.u16();
  m.topic = in.string(topic_bytes);
  m.properties = in.string(in.u16());
  if (!in.ok() || in.remaining() != 0) return malformed("field lengths do not add up to TOTALSIZE");
  return m;
}

}  // namespace ringmq::protocol
