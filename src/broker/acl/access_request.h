// AccessRequest: what one request asks of ACL 1.0, read from it as RocketMQ 4.9.4's
// PlainAccessValidator.parse reads it: the peer's IP, AccessKey/Signature from extFields, the
// signed content, and the (resource, permission) pairs its request code needs:
//
//   SEND_MESSAGE (10), SEND_MESSAGE_V2 (310)  PUB on the topic; SUB on %RETRY%group for a retry topic
//   CONSUMER_SEND_MSG_BACK (36)               SUB on %RETRY%group
//   PULL_MESSAGE (11)                         SUB on the topic and on %RETRY%consumerGroup
//   QUERY_MESSAGE (12)                        SUB on the topic
//   HEART_BEAT (34)                           SUB on each consumer's %RETRY%group and subscribed topic
//   UNREGISTER_CLIENT (35), GET_CONSUMER_LIST_BY_GROUP (38)   SUB on %RETRY%consumerGroup
//   UPDATE_CONSUMER_OFFSET (15)               SUB on %RETRY%consumerGroup and on the topic
//   anything else                             no resource (signature and admin checks only)
//
// Pure function; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "broker/acl/permission.h"
#include "remoting/command.h"

namespace ringmq::broker::acl {

struct AccessRequest {
  std::string ip;  // the peer without its port
  std::int32_t code = 0;
  std::optional<std::string> access_key;  // nullopt: no AccessKey field (Java's null)
  std::optional<std::string> signature;
  // In the order Java's HashMap iterates them, which decides the resource a refusal names.
  std::vector<std::pair<std::string, Perm>> resources;
  // The request itself: its extFields and body are what the signature covers (Java copies them
  // into a content array; we hash them where they are).
  const remoting::RemotingCommand* command = nullptr;
};

// Errors (a HEART_BEAT body that does not parse) are answered as an AclException from parse.
// The result points at `request`, which must outlive it.
Result<AccessRequest> parse_access_request(const remoting::RemotingCommand& request, std::string_view peer);

}  // namespace ringmq::broker::acl
