#include "broker/processor/send_message_reply.h"

#include "base/hex.h"
#include "broker/processor/reply_target.h"
#include "remoting/message_const.h"
#include "remoting/message_properties.h"

namespace ringmq::broker {

namespace prop = remoting::property;

std::string stored_properties(std::string_view client_properties, std::string_view cluster_name) {
  auto props = remoting::MessageProperties::decode(client_properties);
  props.erase(prop::kWaitStoreMsgOk);
  props.set(prop::kCluster, cluster_name);
  return props.encode(false);
}

bool wait_store_msg_ok(std::string_view client_properties) {
  auto v = remoting::find_property(client_properties, prop::kWaitStoreMsgOk);
  return !v || *v == "true";
}

namespace {
void add_region_fields(remoting::RemotingCommand& response) {
  response.has_ext_fields = true;
  response.ext_fields.set(prop::kMsgRegion, kDefaultRegionId);
  response.ext_fields.set(prop::kTraceSwitch, "true");
}
}  // namespace

void fill_send_response(remoting::RemotingCommand& response, std::span<const store::AppendResult> results,
                        std::int32_t queue_id, std::string_view unique_key) {
  std::string msg_id;
  msg_id.reserve(results.size() * 33);
  for (const auto& r : results) {
    if (!msg_id.empty()) msg_id.push_back(',');
    append_hex(r.msg_id.view(), msg_id);
  }
  response.ext_fields.set("msgId", msg_id);
  response.ext_fields.set_int("queueId", queue_id);
  response.ext_fields.set_int("queueOffset", results.empty() ? 0 : results.front().queue_offset.value);
  if (!unique_key.empty()) response.ext_fields.set("transactionId", unique_key);
  add_region_fields(response);
}

remoting::RemotingCommand send_error_response(const remoting::RemotingCommand& request, std::int32_t code,
                                              std::string remark) {
  auto response = remoting::RemotingCommand::response_to(request, code, std::move(remark));
  add_region_fields(response);
  return response;
}

remoting::RemotingCommand send_error_response_for(const RequestRef& ref, std::int32_t code, std::string remark) {
  auto response = make_response(ref, code, std::move(remark));
  add_region_fields(response);
  return response;
}

}  // namespace ringmq::broker
