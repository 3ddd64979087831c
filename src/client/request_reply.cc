#include "client/request_reply.h"

#include <random>

#include <fmt/format.h>

#include "base/clock.h"
#include "base/zlib.h"
#include "client/message_codec.h"
#include "remoting/message_const.h"
#include "remoting/message_sysflag.h"
#include "remoting/topic_validator.h"

namespace ringmq::client {

namespace property = remoting::property;
namespace sysflag = remoting::message_sysflag;

Result<Message> create_reply_message(const MessageExt& request, std::string body) {
  const std::string_view cluster = request.property(property::kCluster);
  if (cluster.empty()) {
    return make_error(Errc::invalid_argument,
                      "create reply message fail, requestMessage error, property[CLUSTER] is null.");
  }
  Message reply(std::string(cluster) + std::string(remoting::system_topic::kReplyTopicSuffix), std::move(body));
  reply.set_property(property::kMessageType, property::kReplyMessageFlag);
  for (std::string_view name : {property::kCorrelationId, property::kMessageReplyToClient, property::kMessageTtl}) {
    const std::string_view value = request.property(name);
    if (!value.empty()) reply.set_property(name, value);
  }
  return reply;
}

Result<MessageExt> decode_reply_push(const remoting::RemotingCommand& request) {
  const auto& ext = request.ext_fields;
  MessageExt msg;
  const auto topic = ext.get("topic");
  if (!topic) return make_error(Errc::malformed, "the custom field <topic> is null");
  msg.set_topic(std::string(*topic));
  RINGMQ_TRY_ASSIGN(msg.queue_id, ext.get_int32_or("queueId", 0));
  RINGMQ_TRY_ASSIGN(msg.store_timestamp_ms, ext.get_int64_or("storeTimestamp", 0));
  RINGMQ_TRY_ASSIGN(msg.sys_flag, ext.get_int32_or("sysFlag", 0));
  RINGMQ_TRY_ASSIGN(msg.born_timestamp_ms, ext.get_int64_or("bornTimestamp", 0));
  RINGMQ_TRY_ASSIGN(msg.reconsume_times, ext.get_int32_or("reconsumeTimes", 0));
  RINGMQ_TRY_ASSIGN(std::int32_t flag, ext.get_int32_or("flag", 0));
  msg.set_flag(flag);
  msg.born_host = std::string(ext.get("bornHost").value_or(""));
  msg.store_host = std::string(ext.get("storeHost").value_or(""));
  if ((msg.sys_flag & sysflag::kCompressed) != 0) {
    if (sysflag::compression(msg.sys_flag) != sysflag::Compression::zlib) {
      return make_error(Errc::unsupported, "reply body compressed with an unsupported codec");
    }
    RINGMQ_TRY_ASSIGN(std::string inflated, zlib_inflate(request.body, kInflatedBodyBytesMax));
    msg.set_body(std::move(inflated));
    msg.sys_flag &= ~sysflag::kCompressed;
  } else {
    msg.set_body(request.body);
  }
  msg.mutable_properties() = remoting::MessageProperties::decode(ext.get("properties").value_or(""));
  msg.set_property(property::kReplyMessageArriveTime, std::to_string(wall_clock_ms()));
  return msg;
}

std::string create_correlation_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const std::uint64_t hi = random(), lo = random();
  // Version 4, variant 1, as java.util.UUID.randomUUID.
  const std::uint64_t a = (hi & ~0xF000ull) | 0x4000ull;
  const std::uint64_t b = (lo & ~(0xC000ull << 48)) | (0x8000ull << 48);
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFFF, b >> 48,
                     b & 0xFFFFFFFFFFFFull);
}

Result<std::shared_ptr<RequestFutureTable::Pending>> RequestFutureTable::add(const std::string& correlation_id,
                                                                              RequestCallback callback) {
  std::lock_guard lock(mutex_);
  if (pending_.size() >= kPendingRequestsMax) {
    return make_error(Errc::too_large, fmt::format("more than {} requests wait for replies", kPendingRequestsMax));
  }
  auto pending = std::make_shared<Pending>();
  pending->callback = std::move(callback);
  if (!pending_.emplace(correlation_id, pending).second) {
    return make_error(Errc::already_exists, "correlation id " + correlation_id + " is in use");
  }
  return pending;
}

bool RequestFutureTable::complete(const std::string& correlation_id, Result<MessageExt> outcome) {
  std::shared_ptr<Pending> pending;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(correlation_id);
    if (it == pending_.end()) return false;
    pending = std::move(it->second);
    pending_.erase(it);
  }
  if (pending->callback) {
    pending->callback(std::move(outcome));
  } else {
    pending->outcome = std::move(outcome);
    pending->waiter.signal();
  }
  return true;
}

void RequestFutureTable::remove(const std::string& correlation_id) {
  std::lock_guard lock(mutex_);
  pending_.erase(correlation_id);
}

std::size_t RequestFutureTable::size() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

}  // namespace ringmq::client
