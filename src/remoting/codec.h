// Frame codec (docs/PROTOCOL.md §1.2, §1.4, §1.5):
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
// The header length is the low 24 bits of the header spec word.
inline constexpr std::size_t kHeaderBytesMax = 0xFFFFFF;
inline constexpr unsigned kSerializeTypeShift = 24;
// Most extFields entries a header may carry. Java's custom headers have about twenty fields; the
// cap bounds the decode's work and memory (a 16 MiB header could otherwise hold ~2M entries, and
// repeated-key handling is linear per entry) on bytes from the network.
inline constexpr std::size_t kExtFieldsMax = 1024;

// Looks at the start of a receive buffer. Returns:
//   - the total size of the first frame (length prefix included) when the buffer holds its prefix,
//   - nullopt when fewer than 4 bytes are buffered,
//   - an error when the prefix is negative, too small to hold a header spec, or over kFrameBytesMax.
// The caller closes the connection on error.
Result<std::optional<std::size_t>> peek_frame_size(Bytes buffered);

// Decodes one whole frame (length prefix included; `frame.size()` must equal what
// peek_frame_size returned). Errors: inconsistent lengths, unknown serialize type, unparsable header.
Result<RemotingCommand> decode_frame(Bytes frame);

// A whole frame split into views of `frame`, nothing parsed or copied. Same errors as
// decode_frame, except for header contents. For callers that keep the body where it is (e.g. the
// broker appending a send's body straight into the CommitLog).
struct FrameParts {
  SerializeType serialize_type = SerializeType::json;
  Bytes header;
  Bytes body;
};
Result<FrameParts> split_frame(Bytes frame);

// Decodes just a header of the given serialization (no length words). Used by decode_frame and
// benchmarks.
Result<RemotingCommand> decode_header(SerializeType type, Bytes header);
// The same into an existing command, reusing its ext_fields capacity; sets serialize_type, leaves
// body alone. On error `cmd` holds partial results.
Status decode_header_into(SerializeType type, Bytes header, RemotingCommand& cmd);

// Appends the serialized header (no length words) in the command's serialize_type. A ROCKETMQ
// header truncates code/version/key lengths to int16 as Java does; encode_frame refuses those.
void encode_header(const RemotingCommand& cmd, std::string& out);

// Appends a whole frame: length prefix, header spec, header, cmd.body.
// Error (too_large) if it would exceed kFrameBytesMax or the header kHeaderBytesMax;
// invalid_argument if a ROCKETMQ header cannot represent the command (code > 32767: use JSON).
// Nothing is appended on error.
Status encode_frame(const RemotingCommand& cmd, std::string& out);

// Appends the length prefix, header spec and header of a frame whose body (`body_bytes` long) the
// caller sends separately, e.g. straight out of a mapped CommitLog segment. cmd.body is ignored.
Status encode_frame_prefix(const RemotingCommand& cmd, std::size_t body_bytes, std::string& out);

}  // namespace ringmq::remoting
