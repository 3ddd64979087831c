// The ACL 1.0 check over a decoded frame: parse_access_request (extFields, heartbeat body), the
// signature and the permission table. The first input byte picks the peer and whether the frame
// is re-signed with a configured key first (so the permission checks behind the signature are
// reached); the rest is one frame.
#include <cstdint>
#include <memory>

#include "broker/acl/plain_access_validator.h"
#include "remoting/acl_signature.h"
#include "remoting/codec.h"

using namespace ringmq;

namespace {
const broker::acl::PlainAccessValidator& validator() {
  static const auto* v = [] {
    auto config = broker::acl::parse_plain_acl(R"(
globalWhiteRemoteAddresses: [10.10.103.*, "192.168.0.{1,2}"]
accounts:
  - accessKey: RocketMQ
    secretKey: 12345678
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms: [topicA=DENY, topicB=PUB|SUB, topicC=SUB]
    groupPerms: [groupA=DENY, groupB=PUB|SUB]
  - accessKey: rocketmq2
    secretKey: 12345678
    whiteRemoteAddress: 192.168.1.*
    admin: true
)");
    return new broker::acl::PlainAccessValidator(std::make_shared<const broker::acl::PlainAclConfig>(std::move(config).value()));
  }();
  return *v;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  auto cmd = remoting::decode_frame(Bytes(data + 1, size - 1));
  if (!cmd) return 0;
  if (mode & 1) remoting::acl_sign_request(*cmd, remoting::AclCredentials{(mode & 2) ? "rocketmq2" : "RocketMQ", "12345678", ""});
  static const char* const kPeers[] = {"127.0.0.1:1", "10.10.103.9:2", "192.168.1.7:3", "192.168.0.2:4"};
  (void)validator().check(*cmd, kPeers[(mode >> 2) & 3]);
  return 0;
}
