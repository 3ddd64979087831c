#include "client/message_codec.h"


#include <fmt/format.h>

#include "base/bytes.h"
#include "base/zlib.h"
#include "protocol/stored_message.h"
#include "remoting/batch_body.h"
#include "remoting/message_const.h"
#include "remoting/message_id.h"
#include "remoting/message_properties.h"
#include "remoting/message_sysflag.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::client {

namespace sysflag = remoting::message_sysflag;
namespace code = remoting::response_code;

namespace {

std::string format_host(Bytes ip, std::int32_t port) {
  if (ip.size() == protocol::kIpv4Bytes) return fmt::format("{}.{}.{}.{}:{}", ip[0], ip[1], ip[2], ip[3], port);
  std::string out = "[";
  for (std::size_t i = 0; i < ip.size(); i += 2) {
    if (i != 0) out += ':';
    out += fmt::format("{:x}", (ip[i] << 8) | ip[i + 1]);
  }
  return out + fmt::format("]:{}", port);
}

// One stored record (protocol::decode_stored_message) as the consumer sees it; false when its body
// does not inflate.
bool to_message(const protocol::StoredMessage& r, std::string_view broker_name, MessageExt& msg) {
  msg.store_size = static_cast<std::int32_t>(r.total_size);
  msg.body_crc = static_cast<std::int32_t>(r.body_crc);
  msg.queue_id = r.queue_id;
  msg.set_flag(r.flag);
  msg.queue_offset = r.queue_offset;
  msg.commit_log_offset = r.physical_offset;
  msg.sys_flag = r.sys_flag;
  msg.born_timestamp_ms = r.born_timestamp_ms;
  msg.store_timestamp_ms = r.store_timestamp_ms;
  msg.reconsume_times = r.reconsume_times;
  msg.prepared_transaction_offset = r.prepared_transaction_offset;
  const std::string_view body = as_string_view(r.body);
  if (msg.sys_flag & sysflag::kCompressed) {
    if (sysflag::compression(msg.sys_flag) != sysflag::Compression::zlib) return false;
    auto inflated = zlib_inflate(body, kInflatedBodyBytesMax);
    if (!inflated) return false;
    msg.set_body(std::move(inflated).value());
    msg.sys_flag &= ~sysflag::kCompressed;
  } else {
    msg.set_body(std::string(body));
  }
  msg.set_topic(std::string(r.topic));
  msg.mutable_properties() = remoting::MessageProperties::decode(r.properties);
  msg.born_host = format_host(r.born_host.ip, r.born_host.port);
  msg.store_host = format_host(r.store_host.ip, r.store_host.port);
  msg.broker_name = std::string(broker_name);
  if (r.store_host.ip.size() == protocol::kIpv4Bytes) {
    msg.offset_msg_id = remoting::encode_offset_msg_id(
        {load_be32(r.store_host.ip.data()), r.store_host.port, msg.commit_log_offset});
  }
  return true;
}

}  // namespace

remoting::RemotingCommand build_send_request(const remoting::SendMessageRequestHeader& header, std::string body,
                                             remoting::SerializeType type) {
  // A reply (MSG_TYPE=reply, request-reply) goes as SEND_REPLY_MESSAGE_V2, as
  // DefaultMQProducerImpl#sendKernelImpl sends it.
  const bool reply = !header.batch && remoting::find_property(header.properties, remoting::property::kMessageType) ==
                                          remoting::property::kReplyMessageFlag;
  const std::int32_t code = header.batch ? remoting::request_code::kSendBatchMessage
                            : reply      ? remoting::request_code::kSendReplyMessageV2
                                         : remoting::request_code::kSendMessageV2;
  auto request = remoting::RemotingCommand::request(code, type);
  remoting::write_send_message_header(code, header, request.ext_fields);
  request.has_ext_fields = true;
  request.body = std::move(body);
  return request;
}

Result<std::int32_t> compress_if_large(std::string& body, std::size_t compress_over_bytes) {
  if (body.size() < compress_over_bytes) return 0;
  RINGMQ_TRY_ASSIGN(std::string compressed, zlib_compress(body, kCompressLevel));
  body = std::move(compressed);
  return sysflag::kCompressed | sysflag::kCompressionZlib;
}

Status append_to_batch(const Message& message, std::string_view properties, std::string& out) {
  return remoting::append_batch_message({message.flag(), message.body(), properties}, out);
}

Result<SendResult> parse_send_response(const remoting::RemotingCommand& response, const MessageQueue& queue,
                                       std::string msg_id) {
  SendResult result;
  switch (response.code) {
    case code::kSuccess: result.send_status = SendStatus::send_ok; break;
    case code::kFlushDiskTimeout: result.send_status = SendStatus::flush_disk_timeout; break;
    case code::kFlushSlaveTimeout: result.send_status = SendStatus::flush_slave_timeout; break;
    case code::kSlaveNotAvailable: result.send_status = SendStatus::slave_not_available; break;
    default: {
      const Errc errc = response.code == code::kMessageIllegal  ? Errc::invalid_argument
                        : response.code == code::kTopicNotExist ? Errc::not_found
                        : response.code == code::kSystemBusy    ? Errc::busy
                                                                : Errc::io;
      return make_error(errc, fmt::format("broker answered code {} ({})", response.code,
                                          response.remark.value_or("")));
    }
  }
  const auto& ext = response.ext_fields;
  auto queue_id = ext.get_int32("queueId");
  auto queue_offset = ext.get_int64("queueOffset");
  if (!queue_id || !queue_offset) return make_error(Errc::malformed, "send response without queueId/queueOffset");
  result.message_queue = queue;
  result.message_queue.queue_id = *queue_id;
  result.queue_offset = *queue_offset;
  result.offset_msg_id = std::string(ext.get("msgId").value_or(""));
  result.msg_id = std::move(msg_id);
  result.transaction_id = std::string(ext.get("transactionId").value_or(""));
  result.region_id = std::string(ext.get("MSG_REGION").value_or("DefaultRegion"));
  result.trace_on = ext.get("TRACE_ON").value_or("true") != "false";
  return result;
}

bool send_error_retryable(const Error& error) { return error.code != Errc::invalid_argument; }

std::vector<MessageExt> decode_messages(std::string_view body, std::string_view broker_name) {
  std::vector<MessageExt> out;
  Bytes rest = as_bytes(body);
  while (!rest.empty()) {
    Result<protocol::StoredMessage> record = protocol::decode_stored_message(rest);
    MessageExt msg;
    if (!record.ok() || !to_message(*record, broker_name, msg)) break;
    out.push_back(std::move(msg));
    rest = rest.subspan(record->total_size);
  }
  return out;
}

}  // namespace ringmq::client
