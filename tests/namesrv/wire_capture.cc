#include "wire_capture.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>

#include "base/bytes.h"
#include "remoting/codec.h"

#ifndef RINGMQ_TESTDATA_DIR
#error "RINGMQ_TESTDATA_DIR must point at tests/data"
#endif

namespace ringmq::namesrv::test {
namespace {

std::string hex_decode(std::string_view hex) {
  REQUIRE(hex.size() % 2 == 0);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    FAIL("bad hex digit");
    return 0;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  }
  return out;
}

}  // namespace

remoting::RemotingCommand CapturedFrame::decode() const {
  auto decoded = remoting::decode_frame(as_bytes(frame));
  REQUIRE_MESSAGE(decoded.ok(), (decoded.ok() ? "" : decoded.error().to_string()));
  return std::move(decoded).value();
}

std::vector<CapturedFrame> load_capture(std::string_view file_name) {
  const std::string path = std::string(RINGMQ_TESTDATA_DIR) + "/wire/" + std::string(file_name);
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::vector<CapturedFrame> frames;
  simdjson::dom::parser parser;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    simdjson::dom::object obj;
    REQUIRE(parser.parse(line).get(obj) == simdjson::SUCCESS);
    CapturedFrame f;
    f.dir = std::string(obj["dir"].get_string().value());
    f.peer = std::string(obj["peer"].get_string().value());
    f.conn = obj["conn"].get_int64().value();
    f.t_ms = obj["t_ms"].get_double().value();
    f.code = static_cast<std::int32_t>(obj["code"].get_int64().value());
    if (!obj["req_code"].is_null()) f.req_code = static_cast<std::int32_t>(obj["req_code"].get_int64().value());
    f.flag = static_cast<std::int32_t>(obj["flag"].get_int64().value());
    f.opaque = static_cast<std::int32_t>(obj["opaque"].get_int64().value());
    f.frame = hex_decode(obj["frame_hex"].get_string().value());
    frames.push_back(std::move(f));
  }
  REQUIRE(!frames.empty());
  return frames;
}

const CapturedFrame* find_response(const std::vector<CapturedFrame>& frames, const CapturedFrame& request) {
  for (const CapturedFrame& f : frames) {
    if (f.dir == "s2c" && f.conn == request.conn && f.opaque == request.opaque && f.req_code == request.code) {
      return &f;
    }
  }
  return nullptr;
}

std::vector<const CapturedFrame*> namesrv_requests(const std::vector<CapturedFrame>& frames, std::int32_t code) {
  std::vector<const CapturedFrame*> out;
  for (const CapturedFrame& f : frames) {
    if (f.is_request() && f.code == code && f.peer.ends_with("->namesrv")) out.push_back(&f);
  }
  return out;
}

}  // namespace ringmq::namesrv::test
