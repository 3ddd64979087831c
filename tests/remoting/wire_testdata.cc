#include "wire_testdata.h"

#include <doctest/doctest.h>

#include "remoting/codec.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ringmq::remoting::testing {

std::string testdata_dir() { return RINGMQ_TESTDATA_DIR; }

std::vector<std::string> wire_files() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(testdata_dir() + "/wire")) {
    if (entry.path().extension() == ".jsonl") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string from_hex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  REQUIRE(hex.size() % 2 == 0);
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    REQUIRE((hi >= 0 && lo >= 0));
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

std::vector<CapturedFrame> load_frames(const std::string& file) {
  std::ifstream in(testdata_dir() + "/wire/" + file);
  REQUIRE_MESSAGE(in.good(), "cannot open ", file);
  std::vector<CapturedFrame> frames;
  simdjson::dom::parser parser;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    simdjson::dom::element doc;
    REQUIRE_MESSAGE(parser.parse(line).get(doc) == simdjson::SUCCESS, file, ":", line_no);
    CapturedFrame f;
    f.file = file;
    f.line = line_no;
    f.line_json = line;
    std::string_view serialize;
    std::string_view hex;
    REQUIRE(doc["code"].get(f.code) == simdjson::SUCCESS);
    REQUIRE(doc["flag"].get(f.flag) == simdjson::SUCCESS);
    REQUIRE(doc["body_len"].get(f.body_len) == simdjson::SUCCESS);
    REQUIRE(doc["serialize"].get(serialize) == simdjson::SUCCESS);
    REQUIRE(doc["frame_hex"].get(hex) == simdjson::SUCCESS);
    f.serialize = serialize;
    f.frame = from_hex(hex);
    frames.push_back(std::move(f));
  }
  return frames;
}

RemotingCommand first_request(const std::string& file, std::int64_t code, std::string_view serialize) {
  for (const auto& f : load_frames(file)) {
    if (f.code != code || (f.flag & kFlagResponse) != 0) continue;
    if (!serialize.empty() && f.serialize != serialize) continue;
    auto cmd = decode_frame(as_bytes(f.frame));
    REQUIRE_MESSAGE(cmd.ok(), file, ":", f.line);
    return std::move(cmd).value();
  }
  FAIL("no request with code ", code, " in ", file);
  return {};
}

void check_same_frame_with(const RemotingCommand& captured, const ExtFields& written) {
  RemotingCommand rebuilt = captured;
  rebuilt.ext_fields = written;
  CHECK(rebuilt.ext_fields.entries() == captured.ext_fields.entries());
  std::string original;
  std::string again;
  REQUIRE(encode_frame(captured, original).ok());
  REQUIRE(encode_frame(rebuilt, again).ok());
  CHECK(to_hex(again) == to_hex(original));
}

}  // namespace ringmq::remoting::testing
