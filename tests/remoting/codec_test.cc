// Frame and header codec: docs/PROTOCOL.md Appendix B bytes, the JSON dialects of §15, and
// every kind of malformed input a peer can send.
#include <doctest/doctest.h>

#include <cstring>

#include <fmt/format.h>

#include "remoting/codec.h"
#include "remoting/header_codec.h"
#include "remoting/request_code.h"
#include "wire_testdata.h"

using namespace ringmq;
using namespace ringmq::remoting;
using ringmq::remoting::testing::from_hex;
using ringmq::remoting::testing::to_hex;

namespace {

constexpr std::string_view kB1HeaderJson =
    R"({"code":34,"extFields":{},"flag":0,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":409})";

// Appendix B.2: GET_MAX_OFFSET, topic "T", queue 0, ROCKETMQ header.
constexpr std::string_view kB2FrameHex =
    "00000033"
    "0100002f"
    "001e" "00" "0199" "00000007" "00000000" "00000000" "0000001a"
    "0005746f706963" "0000000154"
    "000771756575654964" "0000000130";

std::string frame_of(std::uint32_t spec, std::string_view header, std::string_view body = {}) {
  std::string out;
  ByteWriter w(out);
  w.u32(static_cast<std::uint32_t>(4 + header.size() + body.size()));
  w.u32(spec);
  w.bytes(header);
  w.bytes(body);
  return out;
}

std::string json_frame(std::string_view header, std::string_view body = {}) {
  return frame_of(static_cast<std::uint32_t>(header.size()), header, body);
}

RemotingCommand decode_json(std::string_view header) {
  auto cmd = decode_header(SerializeType::json, as_bytes(header));
  REQUIRE_MESSAGE(cmd.ok(), cmd.error().to_string());
  return std::move(cmd).value();
}

Errc decode_error(std::string_view frame) {
  auto cmd = decode_frame(as_bytes(frame));
  REQUIRE_FALSE(cmd.ok());
  return cmd.error().code;
}

}  // namespace

TEST_CASE("codec: Appendix B.1 JSON HEART_BEAT request decodes, and encodes to the same bytes") {
  const std::string frame = json_frame(kB1HeaderJson);
  CHECK(to_hex(frame.substr(0, 8)) == "000000730000006f");
  auto cmd = decode_frame(as_bytes(frame));
  REQUIRE(cmd.ok());
  CHECK(cmd->code == request_code::kHeartBeat);
  CHECK(cmd->language == LanguageCode::java);
  CHECK(cmd->version == 409);
  CHECK(cmd->opaque == 7);
  CHECK(cmd->flag == 0);
  CHECK_FALSE(cmd->remark.has_value());
  CHECK(cmd->has_ext_fields);
  CHECK(cmd->ext_fields.empty());
  CHECK(cmd->body.empty());

  RemotingCommand built = RemotingCommand::request(request_code::kHeartBeat);
  built.language = LanguageCode::java;
  built.version = 409;
  built.opaque = 7;
  std::string out;
  REQUIRE(encode_frame(built, out).ok());
  CHECK(out == frame);
}

TEST_CASE("codec: Appendix B.2 ROCKETMQ GET_MAX_OFFSET request decodes, and encodes to the same bytes") {
  const std::string frame = from_hex(kB2FrameHex);
  auto cmd = decode_frame(as_bytes(frame));
  REQUIRE_MESSAGE(cmd.ok(), cmd.error().to_string());
  CHECK(cmd->serialize_type == SerializeType::rocketmq);
  CHECK(cmd->code == request_code::kGetMaxOffset);
  CHECK(cmd->language == LanguageCode::java);
  CHECK(cmd->version == 409);
  CHECK(cmd->opaque == 7);
  CHECK(cmd->flag == 0);
  CHECK_FALSE(cmd->remark.has_value());
  CHECK(cmd->ext_fields.get("topic") == "T");
  CHECK(cmd->ext_fields.get("queueId") == "0");

  RemotingCommand built = RemotingCommand::request(request_code::kGetMaxOffset, SerializeType::rocketmq);
  built.language = LanguageCode::java;
  built.version = 409;
  built.opaque = 7;
  built.ext_fields.set("topic", "T");
  built.ext_fields.set_int("queueId", 0);
  std::string out;
  REQUIRE(encode_frame(built, out).ok());
  CHECK(to_hex(out) == kB2FrameHex);
}

TEST_CASE("codec: a response mirrors the request's opaque and serialization and sets the RESPONSE flag") {
  RemotingCommand req = RemotingCommand::request(request_code::kSendMessageV2, SerializeType::rocketmq);
  req.opaque = 42;
  const RemotingCommand resp = RemotingCommand::response_to(req, 17, std::string("topic not exist"));
  CHECK(resp.opaque == 42);
  CHECK(resp.is_response());
  CHECK_FALSE(resp.is_oneway());
  CHECK(resp.serialize_type == SerializeType::rocketmq);
  CHECK(resp.version == kRingmqVersion);
  CHECK(resp.remark == "topic not exist");
}

TEST_CASE("codec: JSON encoding follows fastjson: sorted keys, strings only, null remark and extFields omitted") {
  RemotingCommand resp;
  resp.code = 0;
  resp.language = LanguageCode::cpp;
  resp.version = 401;
  resp.opaque = 5;
  resp.flag = kFlagResponse;
  std::string out;
  encode_header(resp, out);
  CHECK(out == R"({"code":0,"flag":1,"language":"CPP","opaque":5,"serializeTypeCurrentRPC":"JSON","version":401})");

  resp.remark = "a \"quoted\"\n\x01 remark";
  resp.ext_fields.set("msgId", "7F00000100009FCF0000000000000000");
  resp.ext_fields.set_int("queueOffset", -1);
  resp.ext_fields.set_bool("changed", false);
  out.clear();
  encode_header(resp, out);
  CHECK(out ==
        R"({"code":0,"extFields":{"msgId":"7F00000100009FCF0000000000000000","queueOffset":"-1","changed":"false"},)"
        R"("flag":1,"language":"CPP","opaque":5,"remark":"a \"quoted\"\n\u0001 remark",)"
        R"("serializeTypeCurrentRPC":"JSON","version":401})");

  resp.ext_fields.clear();
  resp.has_ext_fields = true;  // an empty map is written as {}
  resp.remark.reset();
  out.clear();
  encode_header(resp, out);
  CHECK(out == R"({"code":0,"extFields":{},"flag":1,"language":"CPP","opaque":5,"serializeTypeCurrentRPC":"JSON","version":401})");
}

TEST_CASE("codec: ROCKETMQ encoding writes an empty remark as length 0 and decodes it as null") {
  RemotingCommand cmd = RemotingCommand::request(request_code::kPullMessage, SerializeType::rocketmq);
  cmd.remark = "";
  std::string out;
  REQUIRE(encode_frame(cmd, out).ok());
  auto back = decode_frame(as_bytes(out));
  REQUIRE(back.ok());
  CHECK_FALSE(back->remark.has_value());
  CHECK_FALSE(back->has_ext_fields);
}

TEST_CASE("codec: JSON dialects: ali-ons numbers and booleans in extFields become decimal text and true/false") {
  const auto cmd = decode_json(
      R"({"code":310,"language":"JAVA","opaque":2,"flag":0,"version":121,"extFields":)"
      R"({"a":"PG_alions","d":4,"e":-1,"g":1795275312933,"big":18446744073709551615,"k":false,"t":true,"n":null}})");
  CHECK(cmd.code == 310);
  CHECK(cmd.opaque == 2);
  CHECK(cmd.version == 121);
  CHECK(cmd.ext_fields.get("a") == "PG_alions");
  CHECK(cmd.ext_fields.get("d") == "4");
  CHECK(cmd.ext_fields.get("e") == "-1");
  CHECK(cmd.ext_fields.get("g") == "1795275312933");
  CHECK(cmd.ext_fields.get("big") == "18446744073709551615");
  CHECK(cmd.ext_fields.get("k") == "false");
  CHECK(cmd.ext_fields.get("t") == "true");
  CHECK_FALSE(cmd.ext_fields.contains("n"));  // null values are dropped, as Java's encoders drop them
  CHECK_FALSE(cmd.remark.has_value());
}

TEST_CASE("codec: JSON dialects: the C++ client's trailing newline and empty remark") {
  const auto cmd = decode_json("{\"code\":34,\"flag\":0,\"language\":\"CPP\",\"opaque\":1,\"remark\":\"\",\"version\":333}\n");
  CHECK(cmd.language == LanguageCode::cpp);
  CHECK(cmd.remark == "");
  CHECK_FALSE(cmd.has_ext_fields);
}

TEST_CASE("codec: JSON dialects: language as ordinal, unknown keys ignored, remark null, defaults for missing keys") {
  const auto cmd = decode_json(
      R"({"future":{"x":[1,2,{"y":null}]},"language":9,"remark":null,"extFields":null,"code":"11","serializeTypeCurrentRPC":"ROCKETMQ"})");
  CHECK(cmd.code == 11);  // fastjson accepts numeric strings for int properties
  CHECK(cmd.language == LanguageCode::go);
  CHECK_FALSE(cmd.remark.has_value());
  CHECK_FALSE(cmd.has_ext_fields);
  CHECK(cmd.version == 0);
  CHECK(cmd.opaque == 0);
  CHECK(cmd.serialize_type == SerializeType::json);  // the frame's type byte rules, not the key

  CHECK(decode_json(R"({"language":"NODE_JS"})").language == LanguageCode::nodejs);
  CHECK(decode_json(R"({"language":"COBOL"})").language == LanguageCode::other);
  CHECK(decode_json(R"({"language":200})").language == static_cast<LanguageCode>(200));
}

TEST_CASE("codec: JSON dialects: escaped keys and values are unescaped; a repeated ext key keeps the last value") {
  const auto cmd = decode_json(R"({"code":1,"extFields":{"i":"TAGS\u0001TagA\u0002","k\u0065y":"v1","key":"v2"}})");
  CHECK(cmd.ext_fields.get("i") == "TAGS\x01TagA\x02");
  CHECK(cmd.ext_fields.get("key") == "v2");
  CHECK(cmd.ext_fields.size() == 2);
}

TEST_CASE("codec: a language byte Java has no name for survives both serializations") {
  RemotingCommand cmd = RemotingCommand::request(request_code::kHeartBeat);
  cmd.language = static_cast<LanguageCode>(77);
  for (const auto type : {SerializeType::json, SerializeType::rocketmq}) {
    cmd.serialize_type = type;
    std::string out;
    REQUIRE(encode_frame(cmd, out).ok());
    auto back = decode_frame(as_bytes(out));
    REQUIRE(back.ok());
    CHECK(back->language == static_cast<LanguageCode>(77));
  }
}

TEST_CASE("codec: peek_frame_size needs 4 bytes and rejects negative, too small and oversized lengths") {
  CHECK(peek_frame_size(as_bytes(std::string_view("\x00\x00\x00", 3)))->has_value() == false);
  CHECK(**peek_frame_size(as_bytes(std::string_view("\x00\x00\x00\x04", 4))) == 8);

  auto negative = peek_frame_size(as_bytes(std::string_view("\xff\xff\xff\xfe", 4)));
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.error().code == Errc::malformed);

  auto tiny = peek_frame_size(as_bytes(std::string_view("\x00\x00\x00\x03", 4)));
  REQUIRE_FALSE(tiny.ok());
  CHECK(tiny.error().code == Errc::malformed);

  std::string at_limit(4, '\0');
  store_be32(at_limit.data(), static_cast<std::uint32_t>(kFrameBytesMax - 4));
  CHECK(**peek_frame_size(as_bytes(at_limit)) == kFrameBytesMax);
  store_be32(at_limit.data(), static_cast<std::uint32_t>(kFrameBytesMax - 3));
  auto over = peek_frame_size(as_bytes(at_limit));
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == Errc::too_large);
}

TEST_CASE("codec: malformed frames are errors, never crashes") {
  const std::string good = json_frame(kB1HeaderJson);
  SUBCASE("truncated length prefix") { CHECK(decode_error(good.substr(0, 3)) == Errc::malformed); }
  SUBCASE("frame shorter than its length prefix says") {
    CHECK(decode_error(good.substr(0, good.size() - 1)) == Errc::malformed);
  }
  SUBCASE("frame longer than its length prefix says") { CHECK(decode_error(good + "x") == Errc::malformed); }
  SUBCASE("negative length") { CHECK(decode_error(std::string("\x80\x00\x00\x00\x00\x00\x00\x00", 8)) == Errc::malformed); }
  SUBCASE("length < 4") { CHECK(decode_error(std::string("\x00\x00\x00\x02\x00\x00", 6)) == Errc::malformed); }
  SUBCASE("frame over 16 MiB") {
    std::string big(kFrameBytesMax + 1, '\0');
    store_be32(big.data(), static_cast<std::uint32_t>(big.size() - 4));
    CHECK(decode_error(big) == Errc::too_large);
  }
  SUBCASE("header length past the frame") {
    CHECK(decode_error(frame_of(static_cast<std::uint32_t>(kB1HeaderJson.size() + 1), kB1HeaderJson)) ==
          Errc::malformed);
  }
  SUBCASE("unknown serialize type") {
    CHECK(decode_error(frame_of(0x02000000u | static_cast<std::uint32_t>(kB1HeaderJson.size()), kB1HeaderJson)) ==
          Errc::malformed);
  }
  SUBCASE("empty header") { CHECK(decode_error(frame_of(0, "")) == Errc::malformed); }
  SUBCASE("JSON garbage") {
    for (const std::string_view bad : {
             std::string_view("{\"code\":34"), std::string_view("{\"code\":34}}"), std::string_view("[1,2]"),
             std::string_view("nul"), std::string_view("{\"code\":3.5}"), std::string_view("{\"code\":4294967296}"),
             std::string_view("{\"code\":\"x\"}"), std::string_view("{\"extFields\":[\"a\"]}"),
             std::string_view("{\"extFields\":{\"a\":{\"b\":\"c\"}}}"), std::string_view("{\"remark\":5}"),
             std::string_view("{\"code\":34} trailing"), std::string_view("{\"a\":\"\xff\xfe\"}"),
             std::string_view("{\"language\":true}"),
             std::string_view("{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"),
         }) {
      CAPTURE(bad);
      CHECK(decode_error(json_frame(bad)) == Errc::malformed);
    }
  }
  SUBCASE("ROCKETMQ header shorter than its fixed part") {
    const std::string b2 = from_hex(kB2FrameHex);
    const std::string_view header = std::string_view(b2).substr(8, 20);
    CHECK(decode_error(frame_of(0x01000000u | 20u, header)) == Errc::malformed);
  }
  SUBCASE("ROCKETMQ remark length past the end") {
    std::string b2 = from_hex(kB2FrameHex);
    store_be32(b2.data() + 8 + 13, 100);
    CHECK(decode_error(b2) == Errc::malformed);
    store_be32(b2.data() + 8 + 13, 0xFFFFFFFFu);  // negative
    CHECK(decode_error(b2) == Errc::malformed);
  }
  SUBCASE("ROCKETMQ extFields length greater than the header") {
    std::string b2 = from_hex(kB2FrameHex);
    store_be32(b2.data() + 8 + 17, 27);
    CHECK(decode_error(b2) == Errc::malformed);
    store_be32(b2.data() + 8 + 17, 0x80000000u);
    CHECK(decode_error(b2) == Errc::malformed);
  }
  SUBCASE("ROCKETMQ key or value length past the extFields block") {
    std::string b2 = from_hex(kB2FrameHex);
    store_be16(b2.data() + 8 + 21, 40);  // key "topic" claims 40 bytes
    CHECK(decode_error(b2) == Errc::malformed);
    b2 = from_hex(kB2FrameHex);
    store_be16(b2.data() + 8 + 21, 0xFFFF);  // negative key length
    CHECK(decode_error(b2) == Errc::malformed);
    b2 = from_hex(kB2FrameHex);
    store_be32(b2.data() + 8 + 28, 6);  // value "T" claims 6 bytes
    CHECK(decode_error(b2) == Errc::malformed);
    b2 = from_hex(kB2FrameHex);
    store_be32(b2.data() + 8 + 17, 25);  // block ends inside the last value
    CHECK(decode_error(b2) == Errc::malformed);
  }
}

TEST_CASE("codec: every truncation and every single-byte corruption of real frames is handled without crashing") {
  for (const std::string& frame : {json_frame(kB1HeaderJson), from_hex(kB2FrameHex)}) {
    for (std::size_t n = 0; n < frame.size(); ++n) {
      (void)decode_frame(as_bytes(std::string_view(frame).substr(0, n)));
      std::string corrupt = frame;
      for (const unsigned char b : {0x00, 0x01, 0x22, 0x7f, 0x80, 0xff}) {
        corrupt[n] = static_cast<char>(b);
        auto cmd = decode_frame(as_bytes(corrupt));
        if (cmd.ok()) CHECK(cmd->body.size() <= frame.size());
      }
    }
  }
}

TEST_CASE("codec: encode_frame refuses frames over 16 MiB and codes a ROCKETMQ header cannot hold") {
  RemotingCommand cmd = RemotingCommand::request(request_code::kSendMessageV2);
  cmd.body.assign(kFrameBytesMax, 'x');
  std::string out = "keep";
  auto st = encode_frame(cmd, out);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == Errc::too_large);
  CHECK(out == "keep");  // nothing appended

  auto prefix = encode_frame_prefix(cmd, std::numeric_limits<std::size_t>::max(), out);
  REQUIRE_FALSE(prefix.ok());
  CHECK(out == "keep");

  RemotingCommand pop = RemotingCommand::request(request_code::kPopMessage, SerializeType::rocketmq);
  auto st2 = encode_frame(pop, out);
  REQUIRE_FALSE(st2.ok());
  CHECK(st2.error().code == Errc::invalid_argument);
  pop.serialize_type = SerializeType::json;
  CHECK(encode_frame(pop, out).ok());
}

TEST_CASE("codec: encode_frame_prefix counts a body sent separately") {
  RemotingCommand cmd = RemotingCommand::request(request_code::kPullMessage, SerializeType::rocketmq);
  cmd.body = "ignored";
  std::string prefix;
  REQUIRE(encode_frame_prefix(cmd, 1000, prefix).ok());
  const std::string body(1000, 'b');
  auto parsed = decode_frame(as_bytes(prefix + body));
  REQUIRE(parsed.ok());
  CHECK(parsed->body == body);
}

TEST_CASE("codec: split_frame gives views of header and body without copying") {
  const std::string frame = json_frame(kB1HeaderJson, "BODY");
  auto parts = split_frame(as_bytes(frame));
  REQUIRE(parts.ok());
  CHECK(parts->serialize_type == SerializeType::json);
  CHECK(as_string_view(parts->header) == kB1HeaderJson);
  CHECK(as_string_view(parts->body) == "BODY");
  CHECK(parts->body.data() == reinterpret_cast<const std::uint8_t*>(frame.data()) + frame.size() - 4);
}

TEST_CASE("codec: decode_header_into reuses a command and resets what the new header lacks") {
  RemotingCommand cmd;
  REQUIRE(decode_header_into(SerializeType::json,
                             as_bytes(std::string_view(R"({"code":1,"remark":"r","extFields":{"a":"1"}})")), cmd)
              .ok());
  REQUIRE(decode_header_into(SerializeType::json, as_bytes(std::string_view(R"({"code":2})")), cmd).ok());
  CHECK(cmd.code == 2);
  CHECK_FALSE(cmd.remark.has_value());
  CHECK(cmd.ext_fields.empty());
  CHECK_FALSE(cmd.has_ext_fields);
}

TEST_CASE("codec: a JSON header larger than the per-thread scratch still decodes") {
  std::string big_value(200 * 1024, 'v');
  const std::string header = R"({"code":1,"extFields":{"k":")" + big_value + R"("}})";
  const auto cmd = decode_json(header);
  CHECK(cmd.ext_fields.get("k")->size() == big_value.size());
  CHECK(decode_json(R"({"code":3})").code == 3);  // and the small path still works after it
}

TEST_CASE("codec: JSON strings are escaped as fastjson escapes them") {
  RemotingCommand cmd;
  cmd.remark = std::string("q\" b\\ \b\t\n\f\r \x01\x0b\x1a \x7f \xc2\x80\xc2\xa0\xc2\xa1 \xc3\xa9 \xe4\xb8\xad/");
  std::string out;
  encode_header(cmd, out);
  CHECK(out.find(R"("remark":"q\" b\\ \b\t\n\f\r \u0001\u000B\u001A \u007F \u0080\u00A0)"
                 "\xc2\xa1 \xc3\xa9 \xe4\xb8\xad/\"") != std::string::npos);
  auto back = decode_header(SerializeType::json, as_bytes(out));
  REQUIRE(back.ok());
  CHECK(back->remark == cmd.remark);
}

TEST_CASE("codec: a header with more than kExtFieldsMax extFields entries is malformed, in both serializations") {
  // Keys of one length with equal first and last bytes share a repeated-key filter slot, the
  // shape that made decoding quadratic before the cap.
  auto command_with = [](std::size_t entries, remoting::SerializeType type) {
    remoting::RemotingCommand cmd = remoting::RemotingCommand::request(10, type);
    for (std::size_t i = 0; i < entries; ++i) cmd.ext_fields.append(fmt::format("k{:06}k", i), "v");
    return cmd;
  };
  for (const auto type : {remoting::SerializeType::rocketmq, remoting::SerializeType::json}) {
    CAPTURE(static_cast<int>(type));
    std::string at_limit;
    remoting::encode_header(command_with(remoting::kExtFieldsMax, type), at_limit);
    auto ok = remoting::decode_header(type, as_bytes(at_limit));
    REQUIRE(ok.ok());
    CHECK(ok->ext_fields.size() == remoting::kExtFieldsMax);
    std::string over;
    remoting::encode_header(command_with(remoting::kExtFieldsMax + 1, type), over);
    auto refused = remoting::decode_header(type, as_bytes(over));
    REQUIRE(!refused.ok());
    CHECK(refused.error().code == Errc::malformed);
  }
}
