#include "broker/acl/plain_access_validator.h"

#include <fmt/format.h>

#include "base/assert.h"
#include "remoting/acl_signature.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker::acl {

namespace {

// Where RocketMQ 4.9.4 throws each refusal: the top stack frame Java puts after the message.
constexpr std::string_view kFrameParse = "org.apache.rocketmq.acl.plain.PlainAccessValidator.parse(PlainAccessValidator.java:134)";
constexpr std::string_view kFrameNoAccessKey = "org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:663)";
constexpr std::string_view kFrameNoAclConfig = "org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:667)";
constexpr std::string_view kFrameSignature = "org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:683)";
constexpr std::string_view kFrameAdmin = "org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:580)";
constexpr std::string_view kFrameDefaultPerm = "org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:605)";
constexpr std::string_view kFrameOwnedPerm = "org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:610)";

std::string refusal(std::string_view message, std::string_view frame) {
  return fmt::format("{}: {}, {}", kAclExceptionClass, message, frame);
}

// PlainAccessResource.printStr.
std::string print_resource(std::string_view resource, bool group) {
  if (group) return fmt::format("group:{}", resource.substr(remoting::kRetryGroupTopicPrefix.size()));
  return fmt::format("topic:{}", resource);
}

}  // namespace

std::optional<std::string> PlainAccessValidator::check(const remoting::RemotingCommand& request,
                                                       std::string_view peer) const {
  auto parsed = parse_access_request(request, peer);
  if (!parsed) return refusal(parsed.error().detail, kFrameParse);
  return validate(*parsed);
}

std::optional<std::string> PlainAccessValidator::validate(const AccessRequest& request) const {
  for (const auto& white : config_->global_white) {
    if (white.matches(request.ip)) return std::nullopt;
  }
  if (!request.access_key) return refusal("No accessKey is configured", kFrameNoAccessKey);
  auto it = config_->accounts.find(*request.access_key);
  if (it == config_->accounts.end()) {
    return refusal(fmt::format("No acl config for {}", *request.access_key), kFrameNoAclConfig);
  }
  const PlainAccount& account = it->second;
  if (account.white.matches(request.ip)) return std::nullopt;
  RINGMQ_ASSERT(request.command != nullptr);
  const std::string expected =
      remoting::acl_request_signature(request.command->ext_fields, request.command->body, account.secret_key);
  if (!request.signature || *request.signature != expected) {
    return refusal(fmt::format("Check signature failed for accessKey={}", account.access_key), kFrameSignature);
  }
  for (const auto& [resource, perm] : request.resources) {
    if (resource == kTraceTopic && perm == kPermPub) return std::nullopt;
  }
  return check_perm(request, account);
}

std::optional<std::string> PlainAccessValidator::check_perm(const AccessRequest& request,
                                                            const PlainAccount& account) const {
  if (needs_admin(request.code) && !account.admin) {
    return refusal(fmt::format("Need admin permission for request code={}, but accessKey={} is not", request.code,
                               account.access_key),
                   kFrameAdmin);
  }
  if (request.resources.empty()) return std::nullopt;
  if (!account.has_resource_perms && account.admin) return std::nullopt;
  for (const auto& [resource, needed] : request.resources) {
    const bool group = resource.starts_with(remoting::kRetryGroupTopicPrefix);
    auto owned = account.resource_perms.find(resource);
    if (owned == account.resource_perms.end()) {
      const Perm fallback = group ? account.default_group_perm : account.default_topic_perm;
      if (!check_permission(needed, fallback)) {
        return refusal(fmt::format("No default permission for {}", print_resource(resource, group)), kFrameDefaultPerm);
      }
    } else if (!check_permission(needed, owned->second)) {
      return refusal(fmt::format("No default permission for {}", print_resource(resource, group)), kFrameOwnedPerm);
    }
  }
  return std::nullopt;
}

}  // namespace ringmq::broker::acl
