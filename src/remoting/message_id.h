// Offset message ids (docs/PROTOCOL.md §4.5b; MessageDecoder#createMessageId/decodeMessageId):
// 16 bytes = store host IPv4 (4) + port (int32) + CommitLog physical offset (int64), written as
// 32 upper-case hex characters. Send responses carry them (comma-joined for a batch); clients send
// them back in VIEW_MESSAGE_BY_ID and END_TRANSACTION.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmq::remoting {

inline constexpr std::size_t kOffsetMsgIdBytes = 16;
inline constexpr std::size_t kOffsetMsgIdHexChars = 2 * kOffsetMsgIdBytes;
// The IPv6 form (16-byte address) is 56 characters; ringmq stores IPv4 hosts only.
inline constexpr std::size_t kOffsetMsgIdV6HexChars = 56;

struct OffsetMsgId {
  std::uint32_t ipv4 = 0;  // host order: 127.0.0.1 is 0x7F000001
  std::int32_t port = 0;
  std::int64_t commit_log_offset = 0;

  friend bool operator==(const OffsetMsgId&, const OffsetMsgId&) = default;
};

// Appends the 32-character upper-case hex form.
void append_offset_msg_id(const OffsetMsgId& id, std::string& out);
std::string encode_offset_msg_id(const OffsetMsgId& id);

// Parses the 32-character form (either hex case, as Java's string2bytes accepts).
// Errors: malformed (wrong length, not hex); unsupported for the 56-character IPv6 form.
Result<OffsetMsgId> decode_offset_msg_id(std::string_view hex);

}  // namespace ringmq::remoting
