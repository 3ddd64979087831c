// The codec against every frame captured from real Java, C++ and Node.js clients and a real
// RocketMQ 4.9.4 (tests/data/wire, 819 frames).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "remoting/codec.h"
#include "wire_testdata.h"

using namespace ringmq;
using namespace ringmq::remoting;
using namespace ringmq::remoting::testing;

namespace {

constexpr std::size_t kCapturedFramesTotal = 819;  // README: "All 819 frames pass."

// A JSON value from the capture's `header` as the string Java's Map<String,String> holds.
std::string as_java_string(simdjson::dom::element v) {
  switch (v.type()) {
    case simdjson::dom::element_type::STRING: return std::string(v.get_string().value_unsafe());
    case simdjson::dom::element_type::INT64: return std::to_string(v.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64: return std::to_string(v.get_uint64().value_unsafe());
    case simdjson::dom::element_type::BOOL: return v.get_bool().value_unsafe() ? "true" : "false";
    default: FAIL("unexpected extFields value type"); return {};
  }
}

void check_header_matches(const CapturedFrame& f, const RemotingCommand& cmd) {
  simdjson::dom::parser parser;
  simdjson::dom::element line;
  REQUIRE(parser.parse(f.line_json).get(line) == simdjson::SUCCESS);
  simdjson::dom::object header;
  REQUIRE(line["header"].get_object().get(header) == simdjson::SUCCESS);
  const bool rocketmq = f.serialize == "rocketmq";

  std::int64_t n = 0;
  REQUIRE(header["code"].get(n) == simdjson::SUCCESS);
  CHECK(cmd.code == n);
  REQUIRE(header["flag"].get(n) == simdjson::SUCCESS);
  CHECK(cmd.flag == n);
  REQUIRE(header["opaque"].get(n) == simdjson::SUCCESS);
  CHECK(cmd.opaque == n);
  REQUIRE(header["version"].get(n) == simdjson::SUCCESS);
  CHECK(cmd.version == n);

  simdjson::dom::element language;
  REQUIRE(header["language"].get(language) == simdjson::SUCCESS);
  if (language.is_string()) {
    CHECK(language_name(cmd.language) == language.get_string().value_unsafe());
  } else {
    CHECK(static_cast<std::int64_t>(cmd.language) == language.get_int64().value_unsafe());
  }

  simdjson::dom::element remark;
  if (header["remark"].get(remark) != simdjson::SUCCESS || remark.is_null()) {
    CHECK_FALSE(cmd.remark.has_value());
  } else if (rocketmq && remark.get_string().value_unsafe().empty()) {
    CHECK_FALSE(cmd.remark.has_value());  // ROCKETMQ: length 0 is null
  } else {
    REQUIRE(cmd.remark.has_value());
    CHECK(*cmd.remark == remark.get_string().value_unsafe());
  }

  simdjson::dom::object ext;
  if (header["extFields"].get_object().get(ext) != simdjson::SUCCESS) {
    CHECK_FALSE(cmd.has_ext_fields);
    CHECK(cmd.ext_fields.empty());
    return;
  }
  CHECK(cmd.has_ext_fields == (rocketmq ? ext.size() > 0 : true));
  REQUIRE(cmd.ext_fields.size() == ext.size());
  std::size_t i = 0;
  for (const auto field : ext) {
    const auto& entry = cmd.ext_fields.entries()[i++];
    CHECK(entry.first == field.key);  // arrival order is kept
    CHECK(entry.second == as_java_string(field.value));
  }
}

void check_same_command(const RemotingCommand& a, const RemotingCommand& b) {
  CHECK(a.code == b.code);
  CHECK(a.language == b.language);
  CHECK(a.version == b.version);
  CHECK(a.opaque == b.opaque);
  CHECK(a.flag == b.flag);
  CHECK(a.remark == b.remark);
  CHECK(a.ext_fields.entries() == b.ext_fields.entries());
  CHECK(a.has_ext_fields == b.has_ext_fields);
  CHECK(a.serialize_type == b.serialize_type);
  CHECK(a.body == b.body);
}

bool is_java_json(const CapturedFrame& f) {
  return f.serialize == "json" && f.line_json.find(R"("serializeTypeCurrentRPC":"JSON")") != std::string::npos;
}

}  // namespace

TEST_CASE("wire captures: every frame decodes to the header and body length the capture records") {
  std::size_t frames_total = 0;
  for (const auto& file : wire_files()) {
    for (const auto& f : load_frames(file)) {
      CAPTURE(f.file);
      CAPTURE(f.line);
      ++frames_total;
      auto size = peek_frame_size(as_bytes(f.frame));
      REQUIRE(size.ok());
      REQUIRE(size->has_value());
      CHECK(**size == f.frame.size());
      auto cmd = decode_frame(as_bytes(f.frame));
      REQUIRE_MESSAGE(cmd.ok(), cmd.error().to_string());
      CHECK(cmd->serialize_type == (f.serialize == "json" ? SerializeType::json : SerializeType::rocketmq));
      CHECK(cmd->code == f.code);
      CHECK(cmd->flag == f.flag);
      CHECK(cmd->body.size() == static_cast<std::size_t>(f.body_len));
      check_header_matches(f, *cmd);
    }
  }
  CHECK(frames_total == kCapturedFramesTotal);
}

TEST_CASE("wire captures: re-encoding a decoded frame in its own serialization decodes to the same command") {
  for (const auto& file : wire_files()) {
    for (const auto& f : load_frames(file)) {
      CAPTURE(f.file);
      CAPTURE(f.line);
      auto cmd = decode_frame(as_bytes(f.frame));
      REQUIRE(cmd.ok());
      std::string out;
      REQUIRE(encode_frame(*cmd, out).ok());
      auto again = decode_frame(as_bytes(out));
      REQUIRE_MESSAGE(again.ok(), again.error().to_string());
      check_same_command(*cmd, *again);
    }
  }
}

TEST_CASE("wire captures: ROCKETMQ frames and Java's JSON frames re-encode byte for byte") {
  std::size_t rocketmq_frames = 0;
  std::size_t java_json_frames = 0;
  for (const auto& file : wire_files()) {
    for (const auto& f : load_frames(file)) {
      if (f.serialize != "rocketmq" && !is_java_json(f)) continue;
      CAPTURE(f.file);
      CAPTURE(f.line);
      (f.serialize == "rocketmq" ? rocketmq_frames : java_json_frames) += 1;
      auto cmd = decode_frame(as_bytes(f.frame));
      REQUIRE(cmd.ok());
      std::string out;
      REQUIRE(encode_frame(*cmd, out).ok());
      CHECK(to_hex(out) == to_hex(f.frame));
    }
  }
  CHECK(rocketmq_frames > 100);
  CHECK(java_json_frames > 100);
}

TEST_CASE("wire captures: a receive buffer holding a whole connection's frames splits at the length prefixes") {
  for (const auto& file : wire_files()) {
    std::string stream;
    std::size_t frames = 0;
    for (const auto& f : load_frames(file)) {
      stream += f.frame;
      ++frames;
    }
    CAPTURE(file);
    Bytes rest = as_bytes(stream);
    std::size_t decoded = 0;
    while (!rest.empty()) {
      auto size = peek_frame_size(rest);
      REQUIRE(size.ok());
      REQUIRE(size->has_value());
      REQUIRE(**size <= rest.size());
      REQUIRE(decode_frame(rest.first(**size)).ok());
      rest = rest.subspan(**size);
      ++decoded;
    }
    CHECK(decoded == frames);
  }
}

TEST_CASE("wire captures: random corruption of real headers yields errors or commands, never crashes") {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;  // fixed seed: failures reproduce
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  constexpr int kMutationsPerFrame = 16;
  std::size_t rejected = 0;
  for (const auto& file : wire_files()) {
    for (const auto& f : load_frames(file)) {
      const std::size_t header_end = std::min<std::size_t>(f.frame.size(), 8 + (load_be32(f.frame.data() + 4) & 0xFFFFFF));
      for (int i = 0; i < kMutationsPerFrame; ++i) {
        std::string mutated = f.frame;
        const std::size_t pos = 4 + next() % (header_end - 4);  // keep the length prefix consistent
        mutated[pos] = static_cast<char>(next());
        auto cmd = decode_frame(as_bytes(mutated));
        if (!cmd.ok()) {
          ++rejected;
          CHECK((cmd.error().code == Errc::malformed || cmd.error().code == Errc::too_large));
        }
      }
    }
  }
  CHECK(rejected > 0);
}
