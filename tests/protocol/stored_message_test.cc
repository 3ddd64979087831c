#include "protocol/stored_message.h"

#include <doctest/doctest.h>

#include <string>

#include "protocol/properties.h"

using namespace ringmq;
using namespace ringmq::protocol;

namespace {

// A record written field by field from the layout, independently of the store's encoder.
std::string record(std::uint32_t magic, std::int32_t sys_flag, std::string_view topic, std::string_view body,
                   std::string_view properties) {
  const bool born_v6 = (sys_flag & kSysFlagBornHostV6) != 0;
  std::string out;
  ByteWriter w(out);
  w.i32(0);  // TOTALSIZE, patched below
  w.u32(magic);
  w.i32(77);        // BODYCRC
  w.i32(3);         // QUEUEID
  w.i32(1);         // FLAG
  w.i64(42);        // QUEUEOFFSET
  w.i64(1 << 20);   // PHYSICALOFFSET
  w.i32(sys_flag);
  w.i64(1700000000000);
  w.bytes(std::string(born_v6 ? 16 : 4, '\x0a'));
  w.i32(5555);
  w.i64(1700000000123);
  w.bytes(std::string_view("\x7f\x00\x00\x01", 4));
  w.i32(10911);
  w.i32(2);  // RECONSUMETIMES
  w.i64(0);
  w.i32(static_cast<std::int32_t>(body.size()));
  w.bytes(body);
  if (magic == kMagicV1) {
    w.u8(static_cast<std::uint8_t>(topic.size()));
  } else {
    w.u16(static_cast<std::uint16_t>(topic.size()));
  }
  w.bytes(topic);
  w.u16(static_cast<std::uint16_t>(properties.size()));
  w.bytes(properties);
  store_be32(reinterpret_cast<std::uint8_t*>(out.data()), static_cast<std::uint32_t>(out.size()));
  return out;
}

}  // namespace

TEST_CASE("stored message: every field of a V1 record, at the documented positions") {
  const std::string r = record(kMagicV1, 0, "TopicTest", "hello", "TAGS\x01TagA\x02");
  CHECK(r.size() == kRecordFixedBytesV1Ipv4 + 5 + 9 + 10);
  const std::string buffer = r + "next record";  // the decoded views point into it
  auto m = decode_stored_message(as_bytes(buffer));
  REQUIRE(m.ok());
  CHECK(m->total_size == r.size());
  CHECK(m->queue_id == 3);
  CHECK(m->queue_offset == 42);
  CHECK(m->physical_offset == 1 << 20);
  CHECK(load_be64(reinterpret_cast<const std::uint8_t*>(r.data()) + kPhysicalOffsetPos) == 1 << 20);
  CHECK(m->born_host.ip.size() == 4);
  CHECK(m->born_host.port == 5555);
  CHECK(m->store_host.port == 10911);
  CHECK(m->store_timestamp_ms == 1700000000123);
  CHECK(m->reconsume_times == 2);
  CHECK(as_string_view(m->body) == "hello");
  CHECK(m->topic == "TopicTest");
  CHECK(find_property(m->properties, "TAGS") == "TagA");
}

TEST_CASE("stored message: an IPv6 born host and a V2 (16-bit topic length) record") {
  const std::string r = record(kMagicV2, kSysFlagBornHostV6, "T", "", "");  // the decoded views point into it
  auto m = decode_stored_message(as_bytes(r));
  REQUIRE(m.ok());
  CHECK(m->born_host.ip.size() == 16);
  CHECK(m->born_host.port == 5555);
  CHECK(m->topic == "T");
}

TEST_CASE("stored message: bad magic, bad lengths and truncation are refused") {
  std::string r = record(kMagicV1, 0, "T", "body", "");
  CHECK_FALSE(decode_stored_message(as_bytes(r).first(r.size() - 1)).ok());
  std::string bad_magic = r;
  bad_magic[kMagicPos] = 0;
  CHECK_FALSE(decode_stored_message(as_bytes(bad_magic)).ok());
  std::string long_body = r;
  store_be32(reinterpret_cast<std::uint8_t*>(long_body.data()) + kRecordFixedBytesV1Ipv4 - 4 - 1 - 2, 5);
  CHECK_FALSE(decode_stored_message(as_bytes(long_body)).ok());
  CHECK_FALSE(decode_stored_message(as_bytes(std::string_view("\0\0\0", 3))).ok());
}

TEST_CASE("find_property: Java's rules: the last of a repeated name wins, empty names and values are skipped") {
  CHECK(find_property("TAGS\x01" "A\x02TAGS\x01" "B", "TAGS") == "B");
  CHECK(find_property("KEYS\x01k1 k2\x02", "KEYS") == "k1 k2");
  CHECK_FALSE(find_property("TAGS\x01\x02", "TAGS").has_value());
  CHECK_FALSE(find_property("\x01v\x02", "").has_value());
  CHECK(find_property("A\x01v\x01w", "A") == "v\x01w");
  CHECK_FALSE(find_property("", "A").has_value());
}
