#include <doctest/doctest.h>

#include <vector>

#include "base/hash.h"
#include "store/record_format.h"
#include "test_util.h"

using namespace ringmq;
using namespace ringmq::store;
using namespace ringmq::store::testing;

namespace {

constexpr std::string_view kB3Properties = "TAGS\x01TagA\x02WAIT\x01true\x02";

MessageInput b3_message() {
  MessageInput m = message("TopicTest", 1, "Hello RocketMQ", kB3Properties);
  m.born_timestamp_ms = 1700000000000;
  return m;
}

}  // namespace

TEST_CASE("record: encoding matches docs/PROTOCOL.md Appendix B.3 byte for byte") {
  const MessageInput m = b3_message();
  REQUIRE(encoded_size(m) == 134);
  std::vector<std::uint8_t> buf(134);
  encode_record(m, QueueOffset{5}, PhysicalOffset{1234}, 1700000000123, buf.data());
  const std::string expected =
      "00000086" "daa320a7" "69c865ed" "00000001" "00000000" "0000000000000005" "00000000000004d2" "00000000"
      "0000018bcfe56800" "0a000005" "0000c350" "0000018bcfe5687b" "0a000009" "00002a9f" "00000000"
      "0000000000000000" "0000000e" "48656c6c6f20526f636b65744d51" "09" "546f70696354657374" "0014"
      "5441475301546167410257414954017472756502";
  CHECK(to_hex(Bytes(buf)) == expected);
}

TEST_CASE("record: the offset message id is store ip, port and physical offset (B.3)") {
  const OffsetMessageId id = make_offset_message_id(HostAddress::ipv4(10, 0, 0, 9, 10911), PhysicalOffset{1234});
  CHECK(to_hex(id.view()) == "0a00000900002a9f00000000000004d2");
}

TEST_CASE("record: parse reads back every field and checks the CRC") {
  const MessageInput m = b3_message();
  std::vector<std::uint8_t> buf(200, 0);
  encode_record(m, QueueOffset{5}, PhysicalOffset{1234}, 1700000000123, buf.data());
  ParseResult r = parse_record(Bytes(buf), true);
  REQUIRE(r.status == ParseStatus::record);
  CHECK(r.size == 134);
  CHECK(r.record.topic == "TopicTest");
  CHECK(r.record.queue_id.value == 1);
  CHECK(r.record.queue_offset.value == 5);
  CHECK(r.record.physical_offset.value == 1234);
  CHECK(r.record.store_timestamp_ms == 1700000000123);
  CHECK(as_string_view(r.record.body) == "Hello RocketMQ");
  CHECK(r.record.properties == kB3Properties);

  buf[95] ^= 0x01;  // a body byte
  r = parse_record(Bytes(buf), true);
  CHECK(r.status == ParseStatus::corrupt);
  CHECK(std::string_view(r.why) == "body CRC mismatch");
}

TEST_CASE("record: zeros are the end of data, a blank marker reaches the segment end") {
  std::vector<std::uint8_t> buf(64, 0);
  CHECK(parse_record(Bytes(buf), true).status == ParseStatus::end_of_data);
  encode_blank(buf.data(), 64);
  const ParseResult r = parse_record(Bytes(buf), true);
  CHECK(r.status == ParseStatus::blank);
  CHECK(r.size == 64);
  CHECK(parse_record(Bytes(buf).first(32), true).status == ParseStatus::corrupt);
}

TEST_CASE("record: tag hash comes from TAGS (docs/PROTOCOL.md §4.6, B.4)") {
  CHECK(tag_hash_of(kB3Properties) == 2598919);
  CHECK(tag_hash_of("KEYS\x01k1\x02") == 0);
  CHECK(tag_hash_of("") == 0);
  CHECK(tag_hash_of("TAGS\x01*") == 42);
  CHECK(protocol::find_property(kB3Properties, "WAIT") == "true");
  CHECK_FALSE(protocol::find_property(kB3Properties, "NONE").has_value());
}

TEST_CASE("record: limits are checked before anything is written") {
  std::string big(100, 'x');
  MessageInput m = message("T", 0, big);
  CHECK(validate_message(m, 99).error().code == Errc::too_large);
  CHECK(validate_message(m, 100).ok());
  std::string long_topic(128, 't');
  m.topic = long_topic;
  CHECK(validate_message(m, 100).error().code == Errc::invalid_argument);
}

TEST_CASE("record: the __CRC32# property covers the whole record, written least significant digit first") {
  const MessageInput m = b3_message();
  const std::size_t size = encoded_size(m, RecordCrc::whole_record);
  REQUIRE(size == 134 + 20);  // B.3's properties already end with 0x02
  std::vector<std::uint8_t> buf(size);
  encode_record(m, QueueOffset{5}, PhysicalOffset{1234}, 1700000000123, buf.data(), RecordCrc::whole_record);
  ParseResult r = parse_record(Bytes(buf), true, RecordCrc::whole_record);
  REQUIRE(r.status == ParseStatus::record);
  const std::string_view tail = r.record.properties.substr(r.record.properties.size() - 20);
  std::uint32_t crc = crc32(Bytes(buf).first(size - 20)) & 0x7FFFFFFFu;
  std::string digits;
  for (int i = 0; i < 10; ++i, crc /= 10) digits.push_back(static_cast<char>('0' + crc % 10));
  CHECK(tail.substr(0, 9) == "__CRC32#\x01");
  CHECK(tail.substr(9, 10) == digits);
  CHECK(tail.back() == '\x02');
  CHECK(protocol::find_property(r.record.properties, "WAIT") == "true");

  buf[size - 25] ^= 0x20;  // a properties byte BODYCRC does not cover
  CHECK(parse_record(Bytes(buf), true, RecordCrc::body_only).status == ParseStatus::corrupt);
  std::vector<std::uint8_t> plain(134);
  encode_record(m, QueueOffset{5}, PhysicalOffset{1234}, 1700000000123, plain.data());
  CHECK(parse_record(Bytes(plain), true, RecordCrc::whole_record).status == ParseStatus::corrupt);
}

TEST_CASE("record: a repeated TAGS keeps its last value, as Java's HashMap does, so tag hash and clients agree") {
  CHECK(tag_hash_of("TAGS\x01" "A\x02TAGS\x01" "B\x02") == java_string_hash("B"));
  CHECK(tag_hash_of("TAGS\x01\x02") == 0);  // an empty value is no value
}
