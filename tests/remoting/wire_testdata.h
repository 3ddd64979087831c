// Loads the byte-exact frames of tests/data/wire/*.jsonl (see its README) for tests.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "remoting/command.h"

namespace ringmq::remoting::testing {

struct CapturedFrame {
  std::string file;  // e.g. "05a-java-bench-producer.jsonl"
  int line = 0;      // 1-based
  std::string line_json;  // the whole .jsonl line, for the `header` field
  std::int64_t code = 0;
  std::int64_t flag = 0;
  std::string serialize;  // "json" or "rocketmq"
  std::int64_t body_len = 0;
  std::string frame;  // decoded frame_hex
};

// The directory holding wire/; set by the build (RINGMQ_TESTDATA_DIR).
std::string testdata_dir();
// Every .jsonl file under wire/, sorted by name.
std::vector<std::string> wire_files();
// Every frame of one file (base name), in file order. Fails the current test on unreadable input.
std::vector<CapturedFrame> load_frames(const std::string& file);
// The first request (not a response) with `code` in one file, decoded; with `serialize` ("json" or
// "rocketmq") only one in that encoding. Fails the current test when there is none.
RemotingCommand first_request(const std::string& file, std::int64_t code, std::string_view serialize = {});
// Checks that `captured` with its extFields replaced by `written` has the same entries, in the same
// order, and encodes to the same bytes.
void check_same_frame_with(const RemotingCommand& captured, const ExtFields& written);

std::string from_hex(std::string_view hex);
std::string to_hex(std::string_view bytes);

}  // namespace ringmq::remoting::testing
