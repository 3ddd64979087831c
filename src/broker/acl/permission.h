// ACL 1.0 permissions (org.apache.rocketmq.acl.common.Permission in 4.9.4): the bits, their
// spelling in plain_acl.yml, the check of a needed permission against an owned one, and the
// request codes only an admin account may send. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringmq::broker::acl {

using Perm = std::uint8_t;
inline constexpr Perm kPermDeny = 1;
inline constexpr Perm kPermAny = 2;
inline constexpr Perm kPermPub = 4;
inline constexpr Perm kPermSub = 8;

// "PUB", "SUB", "PUB|SUB", "SUB|PUB", "DENY" (surrounding spaces ignored); anything else, and an
// absent value, is DENY, as Permission.parsePermFromString.
Perm parse_perm(std::string_view text);

// Permission.checkPermission: DENY owned refuses; ANY needed is met by PUB or SUB; otherwise the
// needed bit must be owned.
bool check_permission(Perm needed, Perm owned);

// Permission.ADMIN_CODE: UPDATE_AND_CREATE_TOPIC, UPDATE_BROKER_CONFIG, DELETE_TOPIC_IN_BROKER,
// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, DELETE_SUBSCRIPTIONGROUP.
bool needs_admin(std::int32_t request_code);

}  // namespace ringmq::broker::acl
