// PlainAccessValidator: ACL 1.0 decisions, as RocketMQ 4.9.4's PlainPermissionManager.validate
// makes them, in its order:
//   1. a peer matching a globalWhiteRemoteAddresses pattern passes;
//   2. no AccessKey -> "No accessKey is configured"; an unknown one -> "No acl config for <ak>";
//   3. a peer matching the account's whiteRemoteAddress passes;
//   4. the Signature must equal Base64(HMAC-SHA1(secretKey, content)) -> else
//      "Check signature failed for accessKey=<ak>";
//   5. a PUB on RMQ_SYS_TRACE_TOPIC passes (trace data);
//   6. admin request codes need admin: true -> "Need admin permission for request code=<c>, but
//      accessKey=<ak> is not"; each needed (resource, perm) must be owned, by the account's list or
//      its default -> "No default permission for topic:<t>" / "group:<g>".
// A refusal is the remark of the SYSTEM_ERROR response, written as Java's RemotingHelper.
// exceptionSimpleDesc renders the AclException: "<class>: <message>, <top stack frame>".
//
// Holds one immutable config; used on one core (each core has its own, see AclService).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "broker/acl/access_request.h"
#include "broker/acl/plain_acl_config.h"
#include "remoting/command.h"

namespace ringmq::broker::acl {

// The class name every refusal's remark starts with.
inline constexpr std::string_view kAclExceptionClass = "org.apache.rocketmq.acl.common.AclException";
// Trace messages are exempt from topic permissions (TopicValidator.RMQ_SYS_TRACE_TOPIC).
inline constexpr std::string_view kTraceTopic = "RMQ_SYS_TRACE_TOPIC";

class PlainAccessValidator {
 public:
  explicit PlainAccessValidator(std::shared_ptr<const PlainAclConfig> config) : config_(std::move(config)) {}

  // nullopt when `request` from `peer` ("ip:port") may run; otherwise the remark to answer with.
  std::optional<std::string> check(const remoting::RemotingCommand& request, std::string_view peer) const;
  // The decision on an already parsed request.
  std::optional<std::string> validate(const AccessRequest& request) const;

  const PlainAclConfig& config() const { return *config_; }

 private:
  std::optional<std::string> check_perm(const AccessRequest& request, const PlainAccount& account) const;

  std::shared_ptr<const PlainAclConfig> config_;
};

}  // namespace ringmq::broker::acl
