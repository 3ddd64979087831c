#include "protocol/register_broker_body.h"

#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

#include "base/bytes.h"
#include "base/hash.h"
#include "namesrv/namesrv_codes.h"
#include "wire_capture.h"

using namespace ringmq::protocol;  // the body types and codecs; namesrv decodes with them

namespace ringmq::namesrv {
namespace {

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// Made by Python's zlib.compress(level 9), independently of our encoder, from the layout:
// DataVersion {"counter":7,"timestamp":1795275139063}; topics "TopicTest 4 4 6 SINGLE_TAG",
// "TBW102 8 8 7 SINGLE_TAG", "Orders 2 2 6 MULTI_TAG {}" (a 5.x line with attributes); filters [].
constexpr std::string_view kPythonCompressedHex =
    "78da63606050af564ace2fcd2b492d52b232d7512ac9cc4d2d2e49cc2d50b23234b7343532373534b6343033ae656060"
    "600662a990fc82cce410a01a051320345308f6f473f7718d0f717407ca8a8738851b1a18295800a139aa94a47f514a6a"
    "51b18211109a29f886fa8478826414aa41263345c702007c1621c9";

RegisterBrokerBody sample_body() {
  RegisterBrokerBody body;
  body.data_version = {3, 1795275139063, std::nullopt};
  body.topic_configs.push_back({"TopicTest", 4, 4, 6, "SINGLE_TAG", 0, false});
  body.topic_configs.push_back({"TBW102", 8, 8, 7, "SINGLE_TAG", 0, false});
  return body;
}

TEST_CASE("register_broker_body: the captured 4.9.4 startup body decodes to its 8 system topics") {
  const auto frames = test::load_capture("01-broker-register.jsonl");
  const auto registers = test::namesrv_requests(frames, request_code::kRegisterBroker);
  REQUIRE(registers.size() == 6);
  const auto request = registers[0]->decode();
  auto body = protocol::decode_register_broker_body(request.body, false);
  REQUIRE(body.ok());
  CHECK(body->data_version == DataVersion{0, 1795275133590, std::nullopt});
  REQUIRE(body->topic_configs.size() == 8);
  CHECK(body->topic_configs[0].topic_name == "SCHEDULE_TOPIC_XXXX");
  CHECK(body->topic_configs[0].read_queue_nums == 18);
  const TopicConfig& tbw = body->topic_configs[5];
  CHECK(tbw.topic_name == "TBW102");
  CHECK(tbw.perm == 7);
  CHECK(tbw.write_queue_nums == 8);
  CHECK(body->filter_server_list.empty());
}

TEST_CASE("register_broker_body: re-encoding every captured body gives the broker's exact bytes") {
  for (const char* file : {"01-broker-register.jsonl", "01b-broker-register-no-force.jsonl"}) {
    const auto frames = test::load_capture(file);
    for (const auto* frame : test::namesrv_requests(frames, request_code::kRegisterBroker)) {
      const auto request = frame->decode();
      auto body = protocol::decode_register_broker_body(request.body, false);
      REQUIRE(body.ok());
      CHECK(protocol::encode_register_broker_body(*body, false) == request.body);
      // The header's bodyCrc32 is CRC32 & 0x7FFFFFFF of exactly these bytes.
      const auto crc = request.ext_fields.get("bodyCrc32");
      REQUIRE(crc);
      CHECK(std::to_string(crc32(request.body) & 0x7FFFFFFFu) == *crc);
    }
  }
}

TEST_CASE("register_broker_body: a compressed body made by another zlib encoder decodes") {
  auto body = protocol::decode_register_broker_body(from_hex(kPythonCompressedHex), true);
  REQUIRE(body.ok());
  CHECK(body->data_version == DataVersion{7, 1795275139063, std::nullopt});
  REQUIRE(body->topic_configs.size() == 3);
  CHECK(body->topic_configs[0].topic_name == "TopicTest");
  CHECK(body->topic_configs[1].perm == 7);
  CHECK(body->topic_configs[2].topic_name == "Orders");
  CHECK(body->topic_configs[2].topic_filter_type == "MULTI_TAG");
  CHECK(body->topic_configs[2].read_queue_nums == 2);
}

TEST_CASE("register_broker_body: the compressed form round-trips and starts with a zlib level-9 header") {
  RegisterBrokerBody body = sample_body();
  body.filter_server_list = {"10.0.0.1:30000"};
  const std::string compressed = protocol::encode_register_broker_body(body, true);
  REQUIRE(compressed.size() > 2);
  CHECK(static_cast<unsigned char>(compressed[0]) == 0x78);
  CHECK(static_cast<unsigned char>(compressed[1]) == 0xda);
  auto decoded = protocol::decode_register_broker_body(compressed, true);
  REQUIRE(decoded.ok());
  CHECK(decoded->data_version == body.data_version);
  REQUIRE(decoded->topic_configs.size() == 2);
  CHECK(decoded->topic_configs[1].topic_name == "TBW102");
  CHECK(decoded->filter_server_list == body.filter_server_list);
}

TEST_CASE("register_broker_body: an empty body is a register without topics, as in Java") {
  for (bool compressed : {false, true}) {
    auto body = protocol::decode_register_broker_body("", compressed);
    REQUIRE(body.ok());
    CHECK(body->topic_configs.empty());
    CHECK(body->data_version == DataVersion{});
  }
}

TEST_CASE("register_broker_body: a pre-V3_0_11 broker's bare TopicConfigSerializeWrapper decodes") {
  auto body = protocol::decode_register_broker_body(
      R"({"dataVersion":{"counter":2,"timestamp":5},"topicConfigTable":{"T":{"perm":6,"readQueueNums":2,"writeQueueNums":3}}})",
      false);
  REQUIRE(body.ok());
  CHECK(body->data_version.counter == 2);
  REQUIRE(body->topic_configs.size() == 1);
  CHECK(body->topic_configs[0].topic_name == "T");  // from the map key when topicName is absent
  CHECK(body->topic_configs[0].write_queue_nums == 3);
  CHECK(body->topic_configs[0].topic_sys_flag == 0);
}

TEST_CASE("register_broker_body: malformed plain bodies are errors, not crashes") {
  const char* bad[] = {
      "not json",
      "[1,2]",
      R"({"topicConfigSerializeWrapper":7})",
      R"({"topicConfigSerializeWrapper":{"dataVersion":"x"}})",
      R"({"topicConfigSerializeWrapper":{"dataVersion":{"counter":"1"}}})",
      R"({"topicConfigSerializeWrapper":{"topicConfigTable":[]}})",
      R"({"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"perm":"rw"}}}})",
      R"({"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"readQueueNums":99999999999}}}})",
      R"({"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"order":1}}}})",
      R"({"topicConfigSerializeWrapper":{"topicConfigTable":{"":{}}}})",
      R"({"filterServerList":{},"topicConfigSerializeWrapper":{}})",
      R"({"filterServerList":[1],"topicConfigSerializeWrapper":{}})",
      R"({"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{}})",
  };
  for (const char* body : bad) {
    CAPTURE(body);
    auto decoded = protocol::decode_register_broker_body(body, false);
    REQUIRE(!decoded.ok());
    CHECK(decoded.error().code == Errc::malformed);
  }
}

TEST_CASE("register_broker_body: truncated, corrupt or inconsistent compressed bodies are errors") {
  const std::string good = from_hex(kPythonCompressedHex);
  SUBCASE("truncated zlib stream") {
    for (std::size_t cut : {std::size_t{1}, std::size_t{10}, good.size() / 2, good.size() - 1}) {
      CAPTURE(cut);
      CHECK(!protocol::decode_register_broker_body(good.substr(0, cut), true).ok());
    }
  }
  SUBCASE("not zlib at all, e.g. a plain body flagged compressed") {
    CHECK(!protocol::decode_register_broker_body(R"({"filterServerList":[]})", true).ok());
  }
  SUBCASE("a flipped byte in the deflate data") {
    std::string corrupt = good;
    corrupt[20] = static_cast<char>(corrupt[20] ^ 0x5a);
    CHECK(!protocol::decode_register_broker_body(corrupt, true).ok());
  }
  auto compress_raw = [](const std::string& raw) {
    // Arbitrary (also invalid) layouts need a raw zlib stream, which our encoder cannot produce.
    std::string out(compressBound(raw.size()), '\0');
    uLongf size = out.size();
    REQUIRE(compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                      raw.size(), 9) == Z_OK);
    out.resize(size);
    return out;
  };
  auto layout = [](std::string_view dv, std::int32_t count, std::initializer_list<std::string_view> topics,
                   bool with_filters) {
    std::string raw;
    ByteWriter w(raw);
    w.i32(static_cast<std::int32_t>(dv.size()));
    w.bytes(dv);
    w.i32(count);
    for (std::string_view t : topics) {
      w.i32(static_cast<std::int32_t>(t.size()));
      w.bytes(t);
    }
    if (with_filters) {
      w.i32(2);
      w.bytes(std::string_view("[]"));
    }
    return raw;
  };
  const std::string_view dv = R"({"counter":1,"timestamp":2})";
  SUBCASE("the layout itself is valid") {
    CHECK(protocol::decode_register_broker_body(compress_raw(layout(dv, 1, {"T 1 1 6 SINGLE_TAG"}, true)), true).ok());
  }
  SUBCASE("a topic count larger than the data") {
    CHECK(!protocol::decode_register_broker_body(compress_raw(layout(dv, 1000000, {}, true)), true).ok());
  }
  SUBCASE("a negative topic count") {
    CHECK(!protocol::decode_register_broker_body(compress_raw(layout(dv, -1, {}, true)), true).ok());
  }
  SUBCASE("the filter-server list missing") {
    CHECK(!protocol::decode_register_broker_body(compress_raw(layout(dv, 1, {"T 1 1 6 SINGLE_TAG"}, false)), true).ok());
  }
  SUBCASE("a DataVersion that is not JSON") {
    CHECK(!protocol::decode_register_broker_body(compress_raw(layout("zzz", 0, {}, true)), true).ok());
  }
  SUBCASE("topic text with too few fields, a bad number or an unknown filter type") {
    for (std::string_view t : {"T 1 1 6", "T x 1 6 SINGLE_TAG", "T 1 1 6 SOME_TAG", " 1 1 6 SINGLE_TAG"}) {
      CAPTURE(t);
      CHECK(!protocol::decode_register_broker_body(compress_raw(layout(dv, 1, {t}, true)), true).ok());
    }
  }
  SUBCASE("a length prefix running past the end") {
    std::string raw = layout(dv, 0, {}, true);
    store_be32(raw.data(), 1000);
    CHECK(!protocol::decode_register_broker_body(compress_raw(raw), true).ok());
  }
}

TEST_CASE("register_broker_body: DataVersion JSON round-trips with and without 5.x stateVersion") {
  CHECK(protocol::encode_data_version({0, 1795275220690, std::nullopt}) == R"({"counter":0,"timestamp":1795275220690})");
  CHECK(protocol::encode_data_version({5, 9, 2}) == R"({"counter":5,"stateVersion":2,"timestamp":9})");
  auto v = protocol::decode_data_version(R"({"counter":5,"stateVersion":2,"timestamp":9})");
  REQUIRE(v.ok());
  CHECK(*v == DataVersion{5, 9, 2});
  CHECK(!protocol::decode_data_version("").ok());
  CHECK(!protocol::decode_data_version("{\"counter\":true}").ok());
}

}  // namespace
}  // namespace ringmq::namesrv

namespace ringmq::namesrv {
namespace {

std::string deflate_raw(const std::string& raw) {
  std::string out(compressBound(raw.size()), '\0');
  uLongf size = out.size();
  REQUIRE(compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                    raw.size(), 9) == Z_OK);
  out.resize(size);
  return out;
}

std::string compressed_layout(std::int32_t count, const std::string& topic_text, std::size_t zero_padding) {
  std::string raw;
  ByteWriter w(raw);
  const std::string_view dv = R"({"counter":1,"timestamp":2})";
  w.i32(static_cast<std::int32_t>(dv.size()));
  w.bytes(dv);
  w.i32(count);
  w.i32(static_cast<std::int32_t>(topic_text.size()));
  w.bytes(topic_text);
  w.i32(2);
  w.bytes(std::string_view("[]"));
  raw.append(zero_padding, '\0');
  return raw;
}

}  // namespace

TEST_CASE("register_broker_body: a compressed body claiming millions of topics fails on the data, not on a reservation") {
  // 32 MiB of inflated zeros lets the count pass the 4-bytes-per-entry bound (~8M entries); the
  // reservation is now bounded by what valid entries could fit, and the second entry fails.
  const std::string raw = compressed_layout(8'000'000, "T 1 1 6 SINGLE_TAG", 32u << 20);
  auto decoded = protocol::decode_register_broker_body(deflate_raw(raw), true);
  REQUIRE(!decoded.ok());
  CHECK(decoded.error().code == Errc::malformed);
}

TEST_CASE("register_broker_body: compressed topic text reads five fields and ignores what follows, however long") {
  // A 5.x line carries attributes after the filter type; a hostile one carries megabytes of spaces.
  const std::string with_attributes = "T 1 2 6 SINGLE_TAG {\"a\":\"b c\"}";
  auto a = protocol::decode_register_broker_body(deflate_raw(compressed_layout(1, with_attributes, 0)), true);
  REQUIRE(a.ok());
  REQUIRE(a->topic_configs.size() == 1);
  CHECK(a->topic_configs[0].write_queue_nums == 2);
  CHECK(a->topic_configs[0].topic_filter_type == "SINGLE_TAG");
  const std::string spaces = "T 1 2 6 MULTI_TAG" + std::string(8u << 20, ' ');
  auto b = protocol::decode_register_broker_body(deflate_raw(compressed_layout(1, spaces, 0)), true);
  REQUIRE(b.ok());
  CHECK(b->topic_configs[0].topic_filter_type == "MULTI_TAG");
}

}  // namespace ringmq::namesrv
