// Request-reply on the client (RocketMQ 4.9.4's RequestFutureHolder and RequestResponseFuture,
// MessageUtil.createReplyMessage, ClientRemotingProcessor.receiveReplyMessage).
//
// A producer's request() stamps the message with CORRELATION_ID (a random UUID), REPLY_TO_CLIENT
// (its client id) and TTL (the timeout, ms), registers the correlation id here and sends it. The
// consumer answers with create_reply_message() and an ordinary send, which goes out as
// SEND_REPLY_MESSAGE_V2 because MSG_TYPE is "reply". The broker pushes the reply to the
// requester's connection (PUSH_REPLY_MESSAGE_TO_CLIENT, 326), whose handler completes the request
// with the same correlation id. A request with no reply by its TTL fails with Errc::timeout.
//
// Threading: RequestFutureTable may be used from any thread; callbacks run on the thread that
// completes the request (the client's pool, for replies and timeouts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/result.h"
#include "client/message.h"
#include "client/sync_waiter.h"
#include "remoting/command.h"

namespace ringmq::client {

// Requests one producer may have waiting for replies at once; more are refused (Errc::too_large).
inline constexpr std::size_t kPendingRequestsMax = 65'536;

using RequestCallback = std::function<void(Result<MessageExt>)>;

// MessageUtil.createReplyMessage: a message to <CLUSTER>_REPLY_TOPIC with MSG_TYPE=reply and the
// request's CORRELATION_ID, REPLY_TO_CLIENT and TTL. Errors (invalid_argument): the request has
// no CLUSTER property (it was not received from a broker), as Java refuses it.
Result<Message> create_reply_message(const MessageExt& request, std::string body);

// The reply carried by a PUSH_REPLY_MESSAGE_TO_CLIENT request (ReplyMessageRequestHeader + body,
// decompressed when its sysFlag says so), with ARRIVE_TIME set to now.
Result<MessageExt> decode_reply_push(const remoting::RemotingCommand& request);

// A random UUID string (CorrelationIdUtil.createCorrelationId).
std::string create_correlation_id();

class RequestFutureTable {
 public:
  struct Pending {
    RequestCallback callback;  // empty for a sync request
    SyncWaiter waiter;         // signalled when outcome is set (sync requests)
    std::optional<Result<MessageExt>> outcome;
  };

  // Registers a request before it is sent. Errors: too_large past kPendingRequestsMax,
  // already_exists for a correlation id in use.
  Result<std::shared_ptr<Pending>> add(const std::string& correlation_id, RequestCallback callback);
  // Completes and forgets the request: runs its callback or wakes its waiter. False when no such
  // request waits (a late reply, or one for another client).
  bool complete(const std::string& correlation_id, Result<MessageExt> outcome);
  // Forgets a request without completing it (the sync caller gave up).
  void remove(const std::string& correlation_id);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Pending>, std::less<>> pending_;
};

}  // namespace ringmq::client
