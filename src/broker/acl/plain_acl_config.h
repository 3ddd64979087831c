// PlainAclConfig: the contents of plain_acl.yml (RocketMQ 4.9.4 ACL 1.0), parsed with libyaml.
//
//   globalWhiteRemoteAddresses: [10.10.103.*, 192.168.0.*]
//   accounts:
//     - accessKey: RocketMQ          # longer than 6 characters, as is secretKey
//       secretKey: 12345678
//       whiteRemoteAddress:          # requests from here skip signature and permission checks
//       admin: false                 # true: may send the admin request codes (acl/permission.h)
//       defaultTopicPerm: DENY       # for topics not listed; absent = DENY
//       defaultGroupPerm: SUB        # for groups not listed; absent = DENY
//       topicPerms: [topicA=DENY, topicB=PUB|SUB]
//       groupPerms: [groupA=DENY]    # kept as the group's retry topic, %RETRY%groupA
//
// The errors are RocketMQ's AclException messages where it has one, so a file RocketMQ refuses is
// refused here with the same words. Immutable value; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "broker/acl/permission.h"
#include "broker/acl/remote_address.h"

namespace ringmq::broker::acl {

// Bounds on what is read; a larger file is refused rather than parsed.
inline constexpr std::size_t kAclFileBytesMax = 4 * 1024 * 1024;
inline constexpr std::size_t kAclAccountsMax = 10'000;
// RocketMQ requires access and secret keys longer than this.
inline constexpr std::size_t kAclKeyLengthMin = 6;

struct PlainAccount {
  std::string access_key;
  std::string secret_key;
  std::string white_remote_address;
  RemoteAddressPattern white;
  bool admin = false;
  Perm default_topic_perm = kPermDeny;
  Perm default_group_perm = kPermDeny;
  // Topics by name, groups by retry topic (%RETRY%group). Java keeps no map at all when both
  // lists are empty, which lets an admin account skip the per-resource check.
  std::unordered_map<std::string, Perm> resource_perms;
  bool has_resource_perms = false;
};

struct PlainAclConfig {
  std::vector<RemoteAddressPattern> global_white;
  std::unordered_map<std::string, PlainAccount> accounts;  // by access key; a repeated key: the last wins
};

// Parses the text of a plain_acl.yml. An empty document is an empty config (every signed request
// then fails "No acl config for ..."), as RocketMQ loads it.
Result<PlainAclConfig> parse_plain_acl(std::string_view yaml);

// Reads and parses the file at `path` (at most kAclFileBytesMax bytes).
Result<PlainAclConfig> load_plain_acl(const std::string& path);

}  // namespace ringmq::broker::acl
