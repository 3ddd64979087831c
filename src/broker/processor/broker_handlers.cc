// The table of broker request handlers (one RemotingServer per core). Unknown codes are answered
// REQUEST_CODE_NOT_SUPPORTED by the rpc layer.
#include <memory>

#include "base/log.h"
#include "broker/processor/broker_processors.h"
#include "broker/broker_runtime.h"
#include "broker/processor/pull_message_processor.h"
#include "broker/processor/send_message_processor.h"
#include "broker/transaction/end_transaction_processor.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

namespace req = remoting::request_code;
namespace rc = remoting::response_code;

namespace {

using Processor = void (*)(RequestContext, remoting::RemotingCommand&&);

// The ACL 1.0 check of every broker request, before its processor runs (RocketMQ's ACL RPC hook).
// A refusal is answered SYSTEM_ERROR with the AclException text; a oneway request gets nothing.
bool acl_allows(CoreState& cs, const remoting::RemotingCommand& request, rpc::ReplyContext& reply) {
  const reactor::Connection* conn = cs.server->reactor().find(reply.connection());
  if (conn == nullptr) return false;  // closed while queued: nobody to answer
  auto refusal = cs.acl->check(request, conn->peer());
  if (!refusal) return true;
  log_debug("ACL refused request code {} from {}: {}", request.code, conn->peer(), *refusal);
  (void)reply.reply(rc::kSystemError, std::move(*refusal));
  return false;
}

void add(BrokerRuntime& rt, CoreState& cs, rpc::RemotingServer& server, std::int32_t code, Processor fn) {
  server.register_handler(code, [&rt, &cs, fn](remoting::RemotingCommand request, rpc::ReplyContext reply) {
    if (rt.overflow_gate().refusing()) {
      // Cross-core rings are full and work is piling up on some core: say so rather than park more.
      (void)reply.reply(rc::kSystemBusy, "[REJECTREQUEST]system busy, start flow control for a while");
      return;
    }
    const reactor::ConnectionId connection = reply.connection();
    if (cs.acl && !acl_allows(cs, request, reply)) return;
    RequestContext ctx{rt, cs, rt.park_reply(cs, std::move(reply)), RequestRef::of(request), connection};
    fn(ctx, std::move(request));
  });
}

void process_send(RequestContext ctx, remoting::RemotingCommand&& request) {
  process_send_message(ctx, std::move(request));
}

}  // namespace

void register_broker_handlers(BrokerRuntime& rt, CoreState& cs, rpc::RemotingServer& server) {
  add(rt, cs, server, req::kSendMessage, process_send);
  add(rt, cs, server, req::kSendMessageV2, process_send);
  add(rt, cs, server, req::kSendBatchMessage, process_send);
  add(rt, cs, server, req::kUpdateAndCreateTopic, process_update_and_create_topic);
  add(rt, cs, server, req::kDeleteTopicInBroker, process_delete_topic_in_broker);
  add(rt, cs, server, req::kGetAllTopicConfig, process_get_all_topic_config);
  add(rt, cs, server, req::kGetBrokerRuntimeInfo, process_get_broker_runtime_info);
  add(rt, cs, server, req::kGetTopicStatsInfo, process_get_topic_stats_info);
  add(rt, cs, server, req::kGetMaxOffset, process_offset_query);
  add(rt, cs, server, req::kGetMinOffset, process_offset_query);
  add(rt, cs, server, req::kSearchOffsetByTimestamp, process_offset_query);
  add(rt, cs, server, req::kGetEarliestMsgStoretime, process_offset_query);
  add(rt, cs, server, req::kViewMessageById, process_view_message_by_id);
  add(rt, cs, server, req::kQueryMessage, process_query_message);
  add(rt, cs, server, req::kGetBrokerConfig, process_get_broker_config);
  add(rt, cs, server, req::kViewBrokerStatsData, process_view_broker_stats_data);
  add(rt, cs, server, req::kUpdateBrokerConfig, process_update_broker_config);
  add(rt, cs, server, req::kHeartBeat, process_heart_beat);
  add(rt, cs, server, req::kUnregisterClient, process_unregister_client);
  add(rt, cs, server, req::kGetConsumerListByGroup, process_get_consumer_list_by_group);
  add(rt, cs, server, req::kPullMessage, process_pull_message);
  add(rt, cs, server, req::kQueryConsumerOffset, process_query_consumer_offset);
  add(rt, cs, server, req::kUpdateConsumerOffset, process_update_consumer_offset);
  add(rt, cs, server, req::kGetAllConsumerOffset, process_get_all_consumer_offset);
  add(rt, cs, server, req::kGetAllDelayOffset, process_get_all_delay_offset);
  add(rt, cs, server, req::kGetConsumeStats, process_get_consume_stats);
  add(rt, cs, server, req::kGetConsumerConnectionList, process_get_consumer_connection_list);
  add(rt, cs, server, req::kGetProducerConnectionList, process_get_producer_connection_list);
  add(rt, cs, server, req::kQueryTopicConsumeByWho, process_query_topic_consume_by_who);
  add(rt, cs, server, req::kUpdateAndCreateSubscriptiongroup, process_update_and_create_subscription_group);
  add(rt, cs, server, req::kGetAllSubscriptiongroupConfig, process_get_all_subscription_group_config);
  add(rt, cs, server, req::kDeleteSubscriptiongroup, process_delete_subscription_group);
  add(rt, cs, server, req::kConsumerSendMsgBack, process_consumer_send_msg_back);
  add(rt, cs, server, req::kLockBatchMq, process_lock_batch_mq);
  add(rt, cs, server, req::kUnlockBatchMq, process_unlock_batch_mq);
  // Transactional messages (broker/transaction).
  add(rt, cs, server, req::kEndTransaction, process_end_transaction);
  // Request-reply (issue 15).
  add(rt, cs, server, req::kSendReplyMessage, process_send_reply_message);
  add(rt, cs, server, req::kSendReplyMessageV2, process_send_reply_message);
  // Issue 15, admin and runtime codes (consumer_admin_processor.cc, broker2client_processor.cc).
  add(rt, cs, server, req::kCheckClientConfig, process_check_client_config);
  add(rt, cs, server, req::kQueryConsumeTimeSpan, process_query_consume_time_span);
  add(rt, cs, server, req::kCloneGroupOffset, process_clone_group_offset);
  add(rt, cs, server, req::kInvokeBrokerToResetOffset, process_invoke_broker_to_reset_offset);
  add(rt, cs, server, req::kInvokeBrokerToGetConsumerStatus, process_invoke_broker_to_get_consumer_status);
  add(rt, cs, server, req::kGetConsumerRunningInfo, process_get_consumer_running_info);
  add(rt, cs, server, req::kConsumeMessageDirectly, process_consume_message_directly);
}

namespace {
struct Visit {
  std::function<void(CoreState&)> per_core;
  std::function<void()> finish;
  unsigned next = 0;
};

void visit_step(BrokerRuntime& rt, std::shared_ptr<Visit> v) {
  const unsigned core = v->next++;
  v->per_core(rt.core_state(core));
  if (v->next == rt.core_count()) return v->finish();
  rt.run_on(v->next, [&rt, v] { visit_step(rt, v); });
}
}  // namespace

void visit_all_cores(BrokerRuntime& rt, std::function<void(CoreState&)> per_core, std::function<void()> finish) {
  auto v = std::make_shared<Visit>(Visit{std::move(per_core), std::move(finish), 0});
  rt.run_on(0, [&rt, v] { visit_step(rt, v); });
}

}  // namespace ringmq::broker
