#include "broker/acl/access_request.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/hash.h"
#include "broker/acl/remote_address.h"
#include "protocol/heartbeat_data.h"
#include "remoting/acl_signature.h"
#include "remoting/request_code.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker::acl {

namespace req = remoting::request_code;

namespace {

using remoting::is_retry_topic;
using remoting::retry_topic;

// PlainAccessResource.addResourceAndPerm: a null resource is skipped, a repeated one keeps its
// place and takes the new permission (HashMap.put).
void add(AccessRequest& r, std::optional<std::string_view> resource, Perm perm) {
  if (!resource) return;
  for (auto& [name, p] : r.resources) {
    if (name == *resource) {
      p = perm;
      return;
    }
  }
  r.resources.emplace_back(std::string(*resource), perm);
}

void add_group(AccessRequest& r, std::optional<std::string_view> group, Perm perm) {
  if (group) add(r, retry_topic(*group), perm);
}

// Java's HashMap<String, Byte> iteration order: by bucket ((h ^ h >>> 16) & (capacity - 1)),
// then insertion order within a bucket (resizes split buckets without reordering). The capacity
// starts at 16 and doubles while size > 0.75 * capacity.
void order_like_java_hash_map(std::vector<std::pair<std::string, Perm>>& resources) {
  std::uint32_t capacity = 16;
  while (resources.size() > capacity * 3 / 4) capacity *= 2;
  auto bucket = [capacity](const std::string& key) {
    const auto h = static_cast<std::uint32_t>(java_string_hash(key));
    return (h ^ (h >> 16)) & (capacity - 1);
  };
  std::stable_sort(resources.begin(), resources.end(),
                   [&](const auto& a, const auto& b) { return bucket(a.first) < bucket(b.first); });
}

Status add_send(AccessRequest& r, const remoting::ExtFields& ext, std::string_view topic_key,
                std::string_view group_key) {
  const auto topic = ext.get(topic_key);
  if (topic && is_retry_topic(*topic)) {
    add_group(r, ext.get(group_key), kPermSub);
  } else {
    add(r, topic, kPermPub);
  }
  return {};
}

Status add_heartbeat(AccessRequest& r, const remoting::RemotingCommand& request) {
  auto heartbeat = protocol::decode_heartbeat(request.body);
  if (!heartbeat) return heartbeat.take_error();
  for (const auto& consumer : heartbeat->consumers) {
    add_group(r, consumer.group_name, kPermSub);
    for (const auto& subscription : consumer.subscriptions) add(r, subscription.topic, kPermSub);
  }
  return {};
}

Status add_resources(AccessRequest& r, const remoting::RemotingCommand& request) {
  const remoting::ExtFields& ext = request.ext_fields;
  switch (request.code) {
    case req::kSendMessage:
      return add_send(r, ext, "topic", "group");
    case req::kSendMessageV2:
      return add_send(r, ext, "b", "a");
    case req::kConsumerSendMsgBack:
      add_group(r, ext.get("group"), kPermSub);
      return {};
    case req::kPullMessage:
      add(r, ext.get("topic"), kPermSub);
      add_group(r, ext.get("consumerGroup"), kPermSub);
      return {};
    case req::kQueryMessage:
      add(r, ext.get("topic"), kPermSub);
      return {};
    case req::kHeartBeat:
      return add_heartbeat(r, request);
    // These three decode their header first; 4.9.4's decoding there lets absent and unparsable
    // fields through (checked against a running broker), so only present values name resources.
    case req::kUnregisterClient:
    case req::kGetConsumerListByGroup:
      add_group(r, ext.get("consumerGroup"), kPermSub);
      return {};
    case req::kUpdateConsumerOffset:
      add_group(r, ext.get("consumerGroup"), kPermSub);
      add(r, ext.get("topic"), kPermSub);
      return {};
    default:
      return {};
  }
}

}  // namespace

Result<AccessRequest> parse_access_request(const remoting::RemotingCommand& request, std::string_view peer) {
  AccessRequest r;
  r.ip = std::string(peer_ip(peer));
  r.code = request.code;
  r.command = &request;
  const remoting::ExtFields& ext = request.ext_fields;
  // Java's extFields is null when the frame had none (ROCKETMQ: an empty map; JSON: no key); parse
  // then stops here, before the per-code resources, and only a whitelist can let it through.
  const bool java_null_ext = ext.empty() && (request.serialize_type == remoting::SerializeType::rocketmq ||
                                             !request.has_ext_fields);
  if (java_null_ext) return r;
  if (auto key = ext.get(remoting::kAclAccessKey)) r.access_key = std::string(*key);
  if (auto sig = ext.get(remoting::kAclSignature)) r.signature = std::string(*sig);
  RINGMQ_TRY(add_resources(r, request));
  order_like_java_hash_map(r.resources);
  return r;
}

}  // namespace ringmq::broker::acl
