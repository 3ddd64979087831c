#include "remoting/acl_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <vector>

#include "base/assert.h"

namespace ringmq::remoting {

namespace {

// Java's String.compareTo orders by UTF-16 code unit. Byte order of UTF-8 equals code point
// order, which differs from it only between supplementary characters (surrogates, 0xD800..) and
// U+E000..U+FFFF; RocketMQ's header keys are ASCII, where all three orders agree.
bool key_less(const ExtFields::Entry* a, const ExtFields::Entry* b) { return a->first < b->first; }

}  // namespace

std::string acl_signed_content(const ExtFields& ext, std::string_view body) {
  std::vector<const ExtFields::Entry*> sorted;
  sorted.reserve(ext.size());
  for (const auto& entry : ext.entries()) {
    if (entry.first == kAclSignature || entry.first == kUniqueMsgQueryFlag) continue;
    sorted.push_back(&entry);
  }
  // Stable, so that among repeated keys the last one stays last and wins below.
  std::stable_sort(sorted.begin(), sorted.end(), key_less);
  std::string content;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const bool superseded = i + 1 < sorted.size() && sorted[i + 1]->first == sorted[i]->first;
    if (!superseded) content += sorted[i]->second;
  }
  content.append(body);
  return content;
}

std::string acl_signature(std::string_view content, std::string_view secret_key) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  const unsigned char* done =
      HMAC(EVP_sha1(), secret_key.data(), static_cast<int>(secret_key.size()),
           reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
  RINGMQ_ASSERT(done != nullptr && mac_len == 20);
  // Base64 of 20 bytes is 28 characters; EVP_EncodeBlock writes a terminating NUL after them.
  unsigned char text[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int text_len = EVP_EncodeBlock(text, mac, static_cast<int>(mac_len));
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(text_len));
}

void acl_sign_request(RemotingCommand& request, const AclCredentials& credentials) {
  if (!credentials.enabled()) return;
  request.ext_fields.set(kAclAccessKey, credentials.access_key);
  if (!credentials.security_token.empty()) request.ext_fields.set(kAclSecurityToken, credentials.security_token);
  request.ext_fields.erase(kAclSignature);
  const std::string content = acl_signed_content(request.ext_fields, request.body);
  request.ext_fields.set(kAclSignature, acl_signature(content, credentials.secret_key));
  request.has_ext_fields = true;
}

}  // namespace ringmq::remoting
