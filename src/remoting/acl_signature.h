// ACL 1.0 request signatures, as RocketMQ 4.9.4 computes them (AclUtils.combineRequestContent,
// AclSigner.calSignature, AclClientRPCHook): HMAC-SHA1 keyed by the secret key over the values of
// the request's extFields sorted by key (Signature and _UNIQUE_KEY_QUERY left out) followed by
// the body bytes, Base64-encoded. The broker's validator (broker/acl) and the client's signing
// use these same functions, so the two sides cannot drift apart.
//
// Pure functions; any thread. HMAC-SHA1 and Base64 come from OpenSSL's libcrypto.
#pragma once

#include <string>
#include <string_view>

#include "remoting/command.h"

namespace ringmq::remoting {

// extFields keys of ACL 1.0 (SessionCredentials).
inline constexpr std::string_view kAclAccessKey = "AccessKey";
inline constexpr std::string_view kAclSignature = "Signature";
inline constexpr std::string_view kAclSecurityToken = "SecurityToken";
// MixAll.UNIQUE_MSG_QUERY_FLAG: set by mqadmin after signing, so the broker leaves it out too.
inline constexpr std::string_view kUniqueMsgQueryFlag = "_UNIQUE_KEY_QUERY";

// What a client signs with (SessionCredentials). Empty access_key = do not sign.
struct AclCredentials {
  std::string access_key;
  std::string secret_key;
  std::string security_token;  // optional; sent and signed only when non-empty

  bool enabled() const { return !access_key.empty(); }
};

// The bytes that are signed: the values of `ext` ordered by key (String.compareTo; a repeated key
// counts once, with its last value, as Java's HashMap keeps it), without Signature and
// _UNIQUE_KEY_QUERY, then `body`.
std::string acl_signed_content(const ExtFields& ext, std::string_view body);

// Base64(HMAC-SHA1(secret_key, content)), as AclSigner.calSignature.
std::string acl_signature(std::string_view content, std::string_view secret_key);

// The signature of a request's extFields and body: acl_signature(acl_signed_content(ext, body),
// secret_key), computed incrementally, without copying the body.
std::string acl_request_signature(const ExtFields& ext, std::string_view body, std::string_view secret_key);

// Adds AccessKey (and SecurityToken) to `request` and then the Signature over the result, as
// AclClientRPCHook.doBeforeRequest does. Does nothing when `credentials` is not enabled.
void acl_sign_request(RemotingCommand& request, const AclCredentials& credentials);

}  // namespace ringmq::remoting
