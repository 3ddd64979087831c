// Wire encoding of the client's messages: the SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE request (§5.2,
// §5.5), the send response (§5.3), body compression (§4.4), and decoding of the stored records a
// PULL reply carries (§8.2, §8.6). Pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/client_limits.h"
#include "client/message.h"
#include "remoting/command.h"
#include "remoting/send_message_header.h"

namespace ringmq::client {

// Inflated bodies larger than this are refused (a broker never stores more than 4 MiB per message,
// but a hostile or broken body could claim any ratio).
inline constexpr std::size_t kInflatedBodyBytesMax = 64 * 1024 * 1024;

// SEND_MESSAGE_V2 (310) or, for a batch, SEND_BATCH_MESSAGE (320), with the short header keys
// (remoting::write_send_message_header).
remoting::RemotingCommand build_send_request(const remoting::SendMessageRequestHeader& header, std::string body,
                                             remoting::SerializeType type);

// Prepares one message for sending: compresses the body when it is at least `compress_over_bytes`
// (setting sysFlag 0x1 | zlib type bits) and returns the sysFlag. The body is replaced in place.
Result<std::int32_t> compress_if_large(std::string& body, std::size_t compress_over_bytes);

// Appends `message` in the batch encoding (§5.5) with `properties` already encoded.
Status append_to_batch(const Message& message, std::string_view properties, std::string& out);

// The outcome of a send reply: the SendResult, or an error whose detail names the response code.
// Errc mapping: MESSAGE_ILLEGAL -> invalid_argument (not worth a retry), TOPIC_NOT_EXIST ->
// not_found, SYSTEM_BUSY -> busy, anything else -> io.
Result<SendResult> parse_send_response(const remoting::RemotingCommand& response, const MessageQueue& queue,
                                       std::string msg_id);
// Whether a failed send may be retried on another queue or broker (Java's retryResponseCodes plus
// every transport error).
bool send_error_retryable(const Error& error);

// Decodes the records of a PULL reply body back to back (§8.6). Stops at the first record that
// does not decode, as Java does, and keeps what came before. Compressed bodies are inflated.
std::vector<MessageExt> decode_messages(std::string_view body, std::string_view broker_name);

}  // namespace ringmq::client
