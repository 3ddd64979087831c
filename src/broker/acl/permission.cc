#include "broker/acl/permission.h"

#include "remoting/request_code.h"

namespace ringmq::broker::acl {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}
}  // namespace

Perm parse_perm(std::string_view text) {
  text = trim(text);
  if (text == "PUB") return kPermPub;
  if (text == "SUB") return kPermSub;
  if (text == "PUB|SUB" || text == "SUB|PUB") return kPermPub | kPermSub;
  return kPermDeny;
}

bool check_permission(Perm needed, Perm owned) {
  if ((owned & kPermDeny) != 0) return false;
  if ((needed & kPermAny) != 0) return (owned & kPermPub) != 0 || (owned & kPermSub) != 0;
  return (needed & owned) != 0;
}

bool needs_admin(std::int32_t request_code) {
  namespace req = remoting::request_code;
  switch (request_code) {
    case req::kUpdateAndCreateTopic:
    case req::kUpdateBrokerConfig:
    case req::kDeleteTopicInBroker:
    case req::kUpdateAndCreateSubscriptiongroup:
    case req::kDeleteSubscriptiongroup:
      return true;
    default:
      return false;
  }
}

}  // namespace ringmq::broker::acl
