// The body of SEND_BATCH_MESSAGE (docs/PROTOCOL.md §5.5; MessageDecoder#encodeMessage(s)):
// client-encoded messages back to back, each
//   TOTALSIZE int32 | MAGICCODE int32 (0) | BODYCRC int32 (0) | FLAG int32 | BODYLEN int32 | BODY |
//   PROPLEN int16 | PROPERTIES
// The broker stores each as its own CommitLog record (recomputing the CRC).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmq::remoting {

// TOTALSIZE + MAGICCODE + BODYCRC + FLAG + BODYLEN + PROPLEN.
inline constexpr std::size_t kBatchMessageFixedBytes = 4 + 4 + 4 + 4 + 4 + 2;

// One message of a batch; the views point into the batch body passed to decode_batch_body.
struct BatchMessage {
  std::int32_t flag = 0;
  std::string_view body;
  std::string_view properties;
};

// Splits a batch body. Java ignores TOTALSIZE, MAGICCODE and BODYCRC; we ignore the latter two
// but require TOTALSIZE to match the lengths inside (every known client writes it so), which
// catches a desynchronised body before anything is stored. Errors (malformed): a record that runs
// past the body, a negative length, a TOTALSIZE that disagrees, an empty batch.
Result<std::vector<BatchMessage>> decode_batch_body(std::string_view batch_body);

// Appends one message in the client encoding. invalid_argument if the properties exceed int16
// or the record int32 (nothing appended then).
Status append_batch_message(const BatchMessage& message, std::string& out);

}  // namespace ringmq::remoting
