#include "remoting/acl_signature.h"

#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <algorithm>
#include <vector>

#include "base/assert.h"

namespace ringmq::remoting {

namespace {

// Java's String.compareTo orders by UTF-16 code unit. Byte order of UTF-8 equals code point
// order, which differs from it only between supplementary characters (surrogates, 0xD800..) and
// U+E000..U+FFFF; RocketMQ's header keys are ASCII, where all three orders agree.
bool key_less(const ExtFields::Entry* a, const ExtFields::Entry* b) { return a->first < b->first; }

// Calls `part` with each piece of the signed content in order: the values, then the body.
template <typename Fn>
void for_each_signed_part(const ExtFields& ext, std::string_view body, Fn&& part) {
  std::vector<const ExtFields::Entry*> sorted;
  sorted.reserve(ext.size());
  for (const auto& entry : ext.entries()) {
    if (entry.first == kAclSignature || entry.first == kUniqueMsgQueryFlag) continue;
    sorted.push_back(&entry);
  }
  // Stable, so that among repeated keys the last one stays last and wins below.
  std::stable_sort(sorted.begin(), sorted.end(), key_less);
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const bool superseded = i + 1 < sorted.size() && sorted[i + 1]->first == sorted[i]->first;
    if (!superseded) part(std::string_view(sorted[i]->second));
  }
  part(body);
}

std::string base64(const unsigned char* bytes, std::size_t n) {
  RINGMQ_ASSERT(n <= EVP_MAX_MD_SIZE);
  // EVP_EncodeBlock writes 4 characters per 3 bytes and a terminating NUL.
  unsigned char text[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int text_len = EVP_EncodeBlock(text, bytes, static_cast<int>(n));
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(text_len));
}

// OpenSSL's HMAC implementation, fetched once per process (EVP_MAC objects may be shared by threads).
EVP_MAC* hmac_algorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  RINGMQ_ASSERT(mac != nullptr);
  return mac;
}

}  // namespace

std::string acl_signed_content(const ExtFields& ext, std::string_view body) {
  std::string content;
  for_each_signed_part(ext, body, [&content](std::string_view part) { content.append(part); });
  return content;
}

std::string acl_request_signature(const ExtFields& ext, std::string_view body, std::string_view secret_key) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac_algorithm());
  RINGMQ_ASSERT(ctx != nullptr);
  char digest_name[] = "SHA1";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest_name, 0), OSSL_PARAM_construct_end()};
  // A non-null key pointer even for an empty key: null means "keep the previous key".
  static const unsigned char kNoKey[1] = {0};
  const auto* key = secret_key.empty() ? kNoKey : reinterpret_cast<const unsigned char*>(secret_key.data());
  const int initialized = EVP_MAC_init(ctx, key, secret_key.size(), params);
  RINGMQ_ASSERT(initialized == 1);
  for_each_signed_part(ext, body, [ctx](std::string_view part) {
    if (part.empty()) return;
    const int updated = EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(part.data()), part.size());
    RINGMQ_ASSERT(updated == 1);
  });
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t mac_len = 0;
  const int finished = EVP_MAC_final(ctx, mac, &mac_len, sizeof mac);
  RINGMQ_ASSERT(finished == 1 && mac_len == 20);
  EVP_MAC_CTX_free(ctx);
  return base64(mac, mac_len);
}

std::string acl_signature(std::string_view content, std::string_view secret_key) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  const unsigned char* done =
      HMAC(EVP_sha1(), secret_key.data(), static_cast<int>(secret_key.size()),
           reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
  RINGMQ_ASSERT(done != nullptr && mac_len == 20);
  return base64(mac, mac_len);
}

void acl_sign_request(RemotingCommand& request, const AclCredentials& credentials) {
  if (!credentials.enabled()) return;
  request.ext_fields.set(kAclAccessKey, credentials.access_key);
  if (!credentials.security_token.empty()) request.ext_fields.set(kAclSecurityToken, credentials.security_token);
  request.ext_fields.erase(kAclSignature);
  request.ext_fields.set(kAclSignature, acl_request_signature(request.ext_fields, request.body, credentials.secret_key));
  request.has_ext_fields = true;
}

}  // namespace ringmq::remoting
