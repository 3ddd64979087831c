#include "client/mq_admin.h"

#include <fmt/format.h>
#include <utility>

#include "client/message_codec.h"
#include "client/topic_route.h"
#include "remoting/message_const.h"
#include "remoting/message_id.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::client {

namespace req = remoting::request_code;
namespace rc = remoting::response_code;

namespace {

// One synchronous call; a refusal becomes an error naming the broker and the response code.
Result<remoting::RemotingCommand> call(ClientInstance& instance, const std::string& addr, remoting::RemotingCommand r,
                                       std::int32_t also_ok, AdminCallFailure* failure) {
  r.serialize_type = instance.serialize_type();
  auto response = instance.invoke_sync(addr, std::move(r), kAdminQueryTimeoutMs);
  const std::string peer = "broker " + addr;
  if (!response.ok()) {
    if (failure != nullptr) *failure = AdminCallFailure{peer, -1, response.error().to_string()};
    return make_error(response.error().code, fmt::format("{}: {}", peer, response.error().to_string()));
  }
  if (response->code == rc::kSuccess || response->code == also_ok) return response;
  const std::string remark = response->remark.value_or("");
  if (failure != nullptr) *failure = AdminCallFailure{peer, response->code, remark};
  return make_error(Errc::io, fmt::format("{}: {} ({}): {}", peer, remoting::response_code_name(response->code),
                                          response->code, remark));
}

bool keys_contain(std::string_view keys, std::string_view key) {
  while (!keys.empty()) {
    const std::size_t sp = keys.find(' ');
    if (keys.substr(0, sp) == key) return true;
    if (sp == std::string_view::npos) break;
    keys.remove_prefix(sp + 1);
  }
  return false;
}

std::string ipv4_text(std::uint32_t ip) {
  return fmt::format("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 0xFF, (ip >> 8) & 0xFF, ip & 0xFF);
}

// What one broker's answer adds to `out` (MQAdminImpl#queryMessage's filtering).
void take_matches(QueryResult& out, std::vector<MessageExt> decoded, const std::string& key, bool unique_key) {
  for (auto& m : decoded) {
    if (!unique_key) {
      if (keys_contain(m.keys(), key)) out.messages.push_back(std::move(m));
      continue;
    }
    if (m.property(remoting::property::kUniqClientMessageIdKeyidx) != key) continue;
    // A unique key names one message; a resent copy (retry) keeps the id, the first one stored wins.
    if (out.messages.empty()) {
      out.messages.push_back(std::move(m));
    } else if (out.messages.front().store_timestamp_ms > m.store_timestamp_ms) {
      out.messages.front() = std::move(m);
    }
  }
}

}  // namespace

Result<QueryResult> query_message(ClientInstance& instance, const std::string& topic, const std::string& key,
                                  std::int32_t max_num, std::int64_t begin_ms, std::int64_t end_ms, bool unique_key,
                                  AdminCallFailure* failure) {
  RINGMQ_TRY_ASSIGN(TopicRouteData route, instance.update_route(topic));
  QueryResult out;
  for (const auto& b : route.broker_datas) {
    auto master = b.broker_addrs.find(kMasterId);
    if (master == b.broker_addrs.end()) continue;
    auto r = remoting::RemotingCommand::request(req::kQueryMessage);
    r.has_ext_fields = true;
    r.ext_fields.set("topic", topic);
    r.ext_fields.set("key", key);
    r.ext_fields.set_int("maxNum", max_num);
    r.ext_fields.set_int("beginTimestamp", begin_ms);
    r.ext_fields.set_int("endTimestamp", end_ms);
    if (unique_key) r.ext_fields.set("_UNIQUE_KEY_QUERY", "true");
    RINGMQ_TRY_ASSIGN(auto response, call(instance, master->second, std::move(r), rc::kQueryNotFound, failure));
    if (response.code != rc::kSuccess) continue;
    auto ts = response.ext_fields.get_int64_or("indexLastUpdateTimestamp", 0);
    if (ts.ok() && *ts > out.index_last_update_timestamp_ms) out.index_last_update_timestamp_ms = *ts;
    take_matches(out, decode_messages(response.body, b.broker_name), key, unique_key);
  }
  return out;
}

Result<MessageExt> view_message(ClientInstance& instance, const std::string& offset_msg_id, AdminCallFailure* failure) {
  RINGMQ_TRY_ASSIGN(auto id, remoting::decode_offset_msg_id(offset_msg_id));
  if (id.port <= 0 || id.port > 65535 || id.ipv4 == 0) {
    return make_error(Errc::malformed, "'" + offset_msg_id + "' is not an offset msgId");
  }
  const std::string addr = fmt::format("{}:{}", ipv4_text(id.ipv4), id.port);
  auto r = remoting::RemotingCommand::request(req::kViewMessageById);
  r.has_ext_fields = true;
  r.ext_fields.set_int("offset", id.commit_log_offset);
  RINGMQ_TRY_ASSIGN(auto response, call(instance, addr, std::move(r), rc::kSuccess, failure));
  auto messages = decode_messages(response.body, "");
  if (messages.empty()) return make_error(Errc::malformed, "broker " + addr + ": the record did not decode");
  return std::move(messages.front());
}

Result<MessageExt> view_message(ClientInstance& instance, const std::string& topic, const std::string& msg_id,
                                AdminCallFailure* failure) {
  auto by_offset = view_message(instance, msg_id, failure);
  if (by_offset.ok() || topic.empty()) return by_offset;
  // MQAdminImpl#queryMessageByUniqKey asks from the id's embedded time; that time is the
  // producer's local month clock, so the whole index is asked instead (the key is exact anyway).
  RINGMQ_TRY_ASSIGN(QueryResult q, query_message(instance, topic, msg_id, kUniqueKeyQueryMaxNum, 0, INT64_MAX, true,
                                                 failure));
  if (q.messages.empty()) {
    return make_error(Errc::not_found, "query message by key finished, but no message: " + msg_id + " in " + topic);
  }
  return std::move(q.messages.front());
}

}  // namespace ringmq::client
