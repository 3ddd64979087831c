// PullMessageRequestHeader (docs/PROTOCOL.md §6.4): the custom header of PULL_MESSAGE (11). The
// broker parses it; the client writes it. Both directions live here so that the two sides cannot
// drift apart.
//
// Plain value type; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "remoting/command.h"

namespace ringmq::remoting {

// One pull header, with its keys. Java's nullable fields that clients may leave out
// (`subscription`, `maxMsgBytes`) are optional: absent on the wire, nullopt here, and written only
// when set.
struct PullMessageRequestHeader {
  std::string consumer_group;                 // consumerGroup, required
  std::string topic;                          // topic, required
  std::int32_t queue_id = 0;                  // queueId, required
  std::int64_t queue_offset = 0;              // queueOffset, required
  std::int32_t max_msg_nums = 32;             // maxMsgNums, required
  std::int32_t sys_flag = 0;                  // sysFlag, required (pull_sysflag)
  std::int64_t commit_offset = 0;             // commitOffset, required
  std::int64_t suspend_timeout_ms = 0;        // suspendTimeoutMillis, required
  std::optional<std::string> subscription;    // subscription; sent with pull_sysflag::kSubscription
  std::int64_t sub_version = 0;               // subVersion; 0 when absent
  std::string expression_type = "TAG";        // expressionType; "TAG" when absent or empty
  std::optional<std::int32_t> max_msg_bytes;  // maxMsgBytes (5.x)

  friend bool operator==(const PullMessageRequestHeader&, const PullMessageRequestHeader&) = default;
};

// Decodes a PULL_MESSAGE header. Numbers follow Java's Integer.parseInt / Long.parseLong. A missing
// required field fails with Errc::not_found and an unparsable number with Errc::malformed, each
// naming the field (ExtFields' typed reads); the broker answers SYSTEM_ERROR with that text.
Result<PullMessageRequestHeader> parse_pull_message_header(const ExtFields& ext);

// Appends `header` to `ext` in the order of the struct: every field but the optional ones, which
// only when set. Numbers in decimal. `ext` must not hold these keys yet.
void write_pull_message_header(const PullMessageRequestHeader& header, ExtFields& ext);

}  // namespace ringmq::remoting
