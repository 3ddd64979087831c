// Message-level encodings shared by broker and client: properties (§4.2), offset message ids
// (§4.5b), sysFlag bits (§4.4), name validation (§4.7).
#include <doctest/doctest.h>

#include "remoting/codec.h"
#include "remoting/message_id.h"
#include "remoting/message_properties.h"
#include "remoting/message_sysflag.h"
#include "remoting/request_code.h"
#include "remoting/topic_validator.h"
#include "remoting/unique_key.h"
#include "wire_testdata.h"

using namespace ringmq;
using namespace ringmq::remoting;

TEST_CASE("properties: decode accepts Java's form without the trailing 0x02 and the C++/ali-ons form with it") {
  for (const std::string_view text : {std::string_view("TAGS\x01TagA\x02KEYS\x01k1 k2"),
                                      std::string_view("TAGS\x01TagA\x02KEYS\x01k1 k2\x02")}) {
    const auto props = MessageProperties::decode(text);
    CHECK(props.size() == 2);
    CHECK(props.get(property::kTags) == "TagA");
    CHECK(props.get(property::kKeys) == "k1 k2");
    CHECK(find_property(text, property::kKeys) == "k1 k2");
  }
}

TEST_CASE("properties: segments without a name or a value are skipped; a value may contain 0x01; last wins") {
  // Spelled with \1 and \2 separately: "\x01b" would be one hex escape.
  const std::string text = std::string("\1v\2") + "n\1\2" + "junk\2" + "\2" + "TAGS\1null\2" + "X\1a\1b\2" +
                           "TAGS\1T2";
  const auto props = MessageProperties::decode(text);
  CHECK(props.size() == 2);
  CHECK(props.get("TAGS") == "T2");
  CHECK(props.get("X") == std::string("a\1b"));
  CHECK_FALSE(props.contains("n"));
  CHECK(find_property(text, "TAGS") == "T2");
  CHECK_FALSE(find_property(text, "n").has_value());
  CHECK(MessageProperties::decode("").empty());
}

TEST_CASE("properties: encode writes Java 4.9's form by default and the trailing-separator form on request") {
  MessageProperties props;
  CHECK(props.encode().empty());
  CHECK(props.encode(true).empty());
  props.set(property::kTags, "TagA");
  props.set(property::kWaitStoreMsgOk, "true");
  CHECK(props.encode() == "TAGS\x01TagA\x02WAIT\x01true");
  CHECK(props.encode(true) == "TAGS\x01TagA\x02WAIT\x01true\x02");
  props.set(property::kCluster, "DefaultCluster");
  CHECK(props.erase(property::kWaitStoreMsgOk));
  CHECK(props.encode() == "TAGS\x01TagA\x02" "CLUSTER\x01" "DefaultCluster");
}

TEST_CASE("properties: a real Java SEND_MESSAGE_V2 property string round-trips byte for byte") {
  using namespace ringmq::remoting::testing;
  bool found = false;
  for (const auto& f : load_frames("05a-java-bench-producer.jsonl")) {
    if (f.code != request_code::kSendMessageV2 || f.flag != 0) continue;
    auto cmd = decode_frame(as_bytes(f.frame));
    REQUIRE(cmd.ok());
    const std::string_view text = *cmd->ext_fields.get("i");
    const auto props = MessageProperties::decode(text);
    CHECK(props.size() == 4);
    CHECK(props.get(property::kUniqClientMessageIdKeyidx)->size() == 56);  // IPv6 producer: 28 bytes
    CHECK(props.get(property::kWaitStoreMsgOk) == "true");
    CHECK(props.get(property::kTags)->starts_with("tag"));
    CHECK(props.encode() == text);  // Java's order and no trailing separator
    found = true;
  }
  CHECK(found);
}

TEST_CASE("msg_id: offset message ids encode upper-case and decode either case") {
  const OffsetMsgId capture{0x7F000001u, 40911, 0};
  CHECK(encode_offset_msg_id(capture) == "7F00000100009FCF0000000000000000");
  CHECK(*decode_offset_msg_id("7F00000100009FCF0000000000000000") == capture);
  CHECK(*decode_offset_msg_id("7f00000100009fcf0000000000000000") == capture);

  const OffsetMsgId b3{0x0A000009u, 10911, 1234};  // Appendix B.3: 10.0.0.9:10911, offset 1234
  CHECK(encode_offset_msg_id(b3) == "0A00000900002A9F00000000000004D2");
  CHECK(*decode_offset_msg_id("0A00000900002A9F00000000000004D2") == b3);

  const OffsetMsgId high{0xFFFFFFFFu, 65535, INT64_MAX};
  CHECK(*decode_offset_msg_id(encode_offset_msg_id(high)) == high);
}

TEST_CASE("msg_id: wrong length or non-hex ids are errors, IPv6 ids unsupported") {
  CHECK(decode_offset_msg_id("").error().code == Errc::malformed);
  CHECK(decode_offset_msg_id("7F00000100009FCF000000000000000").error().code == Errc::malformed);
  CHECK(decode_offset_msg_id("7G00000100009FCF0000000000000000").error().code == Errc::malformed);
  CHECK(decode_offset_msg_id(std::string(56, '0')).error().code == Errc::unsupported);
}

TEST_CASE("sysflag: transaction type and compression bits") {
  using namespace message_sysflag;
  CHECK(transaction_type(0x301 | kTransactionPreparedType) == kTransactionPreparedType);
  CHECK(reset_transaction_type(kTransactionPreparedType | kCompressed, kTransactionCommitType) ==
        (kTransactionCommitType | kCompressed));
  CHECK(compression(kCompressed) == Compression::zlib);  // clients before 4.9.4
  CHECK(compression(0x301) == Compression::zlib);
  CHECK(compression(kCompressed | kCompressionLz4) == Compression::lz4);
  CHECK(compression(kCompressed | kCompressionZstd) == Compression::zstd);
  CHECK(compression(0x401) == Compression::unknown);
}

TEST_CASE("topic_validator: topic names follow TopicValidator") {
  CHECK(validate_topic("TopicTest").ok());
  CHECK(validate_topic("%RETRY%CG_bench").ok());
  CHECK(validate_topic("a|b-c_d%").ok());
  CHECK(validate_topic(std::string(127, 't')).ok());
  CHECK(validate_topic(std::string(128, 't')).error().detail.find("longer") != std::string::npos);
  CHECK(validate_topic("%RETRY%" + std::string(200, 'g')).ok());
  CHECK(validate_topic("").error().detail == "The specified topic is blank.");
  CHECK(validate_topic("  ").error().code == Errc::invalid_argument);
  CHECK_FALSE(validate_topic("Topic Test").ok());
  CHECK_FALSE(validate_topic("topic.test").ok());
  CHECK_FALSE(validate_topic("中文").ok());
  CHECK(validate_group("please_rename_unique_group_name_4").ok());
  CHECK_FALSE(validate_group(std::string(256, 'g')).ok());
  CHECK_FALSE(validate_group("g/h").ok());
}

TEST_CASE("topic_validator: system topics and those producers may not send to") {
  CHECK(is_not_allowed_send_topic(system_topic::kSchedule));
  CHECK(is_not_allowed_send_topic("RMQ_SYS_TRANS_HALF_TOPIC"));
  CHECK(is_not_allowed_send_topic("OFFSET_MOVED_EVENT"));
  CHECK_FALSE(is_not_allowed_send_topic("TBW102"));
  CHECK(is_system_topic("TBW102"));
  CHECK(is_system_topic("rmq_sys_wheel_timer"));
  CHECK_FALSE(is_system_topic("TopicTest"));
  CHECK(retry_topic("CG") == "%RETRY%CG");
  CHECK(dlq_topic("CG") == "%DLQ%CG");
  CHECK(is_retry_topic("%RETRY%CG"));
  CHECK(is_dlq_topic("%DLQ%CG"));
}

TEST_CASE("unique_key: ids carry ip, pid, tag, ms since the month began and a counter") {
  UniqueKeyGenerator gen(0x7F000001u, 0x16372u, 0x1AC9BDBCu);
  // 2026-11-21T15:45:00Z; the month start is local midnight of 2026-11-01.
  const std::int64_t now_ms = 1795275900000;
  const std::string a = gen.next(now_ms);
  const std::string b = gen.next(now_ms + 1);
  REQUIRE(a.size() == 32);
  CHECK(a.starts_with("7F00000163721AC9BDBC"));  // pid keeps its low 16 bits, as C++'s 7F000001 6372 ...
  CHECK(a.substr(28) == "0000");
  CHECK(b.substr(28) == "0001");
  const auto ms_a = std::stoll(a.substr(20, 8), nullptr, 16);
  const auto ms_b = std::stoll(b.substr(20, 8), nullptr, 16);
  CHECK(ms_b == ms_a + 1);
  CHECK(ms_a > 20LL * 24 * 3600 * 1000 - 14 * 3600 * 1000);  // day 21, whatever the time zone
  CHECK(ms_a < 21LL * 24 * 3600 * 1000 + 14 * 3600 * 1000);
  // 30 days later (2026-12-21) the offset counts from December 1st again, not from November.
  constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
  const std::string c = gen.next(now_ms + 30 * kDayMs);
  const auto ms_c = std::stoll(c.substr(20, 8), nullptr, 16);
  CHECK(ms_c > 19 * kDayMs);
  CHECK(ms_c < 22 * kDayMs);
}
