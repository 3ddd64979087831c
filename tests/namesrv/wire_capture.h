// Test helper: loads the byte-exact RocketMQ 4.9.4 wire captures (tests/data/wire) and
// decodes their frames with the project's codec.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "remoting/command.h"

namespace ringmq::namesrv::test {

struct CapturedFrame {
  std::string dir;   // "c2s" or "s2c"
  std::string peer;  // e.g. "broker->namesrv"
  std::int64_t conn = 0;
  double t_ms = 0;
  std::int32_t code = 0;
  std::optional<std::int32_t> req_code;
  std::int32_t flag = 0;
  std::int32_t opaque = 0;
  std::string frame;  // the whole frame, length prefix included

  bool is_request() const { return dir == "c2s" && !req_code; }
  remoting::RemotingCommand decode() const;  // fails the test on a codec error
};

// All frames of tests/data/wire/<file_name>, in capture order.
std::vector<CapturedFrame> load_capture(std::string_view file_name);

// The captured response to `request` (same connection and opaque), or nullptr (oneway).
const CapturedFrame* find_response(const std::vector<CapturedFrame>& frames, const CapturedFrame& request);

// Request frames to the NameServer with the given code.
std::vector<const CapturedFrame*> namesrv_requests(const std::vector<CapturedFrame>& frames, std::int32_t code);

}  // namespace ringmq::namesrv::test
