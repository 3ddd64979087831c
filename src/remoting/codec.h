// Frame codec (ROCKETMQ-PROTOCOL.md §1.2, §1.4, §1.5):
//   int32 length = 4 + H + B | int32 (serType << 24 | H) | header (H bytes) | body (B bytes)
// Decoding accepts both header serializations on any frame and every dialect real clients send
// (§15: extFields values as JSON strings, numbers or booleans; a trailing newline after the header).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "remoting/command.h"

namespace ringmq::remoting {

// Largest frame accepted or produced, counted as Java does: the 4-byte length prefix plus what
// follows it. Java's decoder rejects larger frames and closes the channel.
inline constexpr std::size_t kFrameBytesMax = 16 * 1024 * 1024;
inline constexpr std::size_t kLengthPrefixBytes = 4;
inline constexpr std::size_t kHeaderSpecBytes = 4;

// Looks at the start of a receive buffer. Returns:
//   - the total size of the first frame (length prefix included) when the buffer holds its prefix,
//   - nullopt when fewer than 4 bytes are buffered,
//   - an error when the prefix is negative, too small to hold a header spec, or over kFrameBytesMax.
// The caller closes the connection on error.
Result<std::optional<std::size_t>> peek_frame_size(Bytes buffered);

// Decodes one whole frame (length prefix included; `frame.size()` must equal what
// peek_frame_size returned). Errors: inconsistent lengths, unknown serialize type, unparsable header.
Result<RemotingCommand> decode_frame(Bytes frame);

// Decodes just a header of the given serialization (no length words). Used by decode_frame and
// benchmarks.
Result<RemotingCommand> decode_header(SerializeType type, Bytes header);

// Appends the serialized header (no length words) in the command's serialize_type.
void encode_header(const RemotingCommand& cmd, std::string& out);

// Appends a whole frame: length prefix, header spec, header, cmd.body.
// Error (too_large) if it would exceed kFrameBytesMax; nothing is appended then.
Status encode_frame(const RemotingCommand& cmd, std::string& out);

// Appends the length prefix, header spec and header of a frame whose body (`body_bytes` long) the
// caller sends separately, e.g. straight out of a mapped CommitLog segment. cmd.body is ignored.
Status encode_frame_prefix(const RemotingCommand& cmd, std::size_t body_bytes, std::string& out);

}  // namespace ringmq::remoting
