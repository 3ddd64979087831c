// The broker's request handlers, registered per core on its rpc::RemotingServer in one table
// (broker_handlers.cc; as Redpanda's handlers/ and RocketMQ's processor registration). Every
// handler runs first on the core that received the request and answers through
// BrokerRuntime::reply, from whichever core finishes the work.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "broker/client/consumer_snapshot.h"
#include "broker/processor/reply_target.h"
#include "broker/processor/wire_error.h"
#include "remoting/command.h"
#include "rpc/remoting_server.h"

namespace ringmq::broker {

class BrokerRuntime;
struct CoreState;

// How often core 0 looks for client channels whose heartbeats stopped (RocketMQ: 10 s).
inline constexpr std::int64_t kClientScanIntervalMs = 10'000;

// Context of one request, built on its receiving core. Copyable: jobs carry it across cores.
struct RequestContext {
  BrokerRuntime& rt;
  CoreState& cs;  // the receiving (home) core
  ReplyTarget target;
  RequestRef ref;
  reactor::ConnectionId connection;
};

// Installs every broker handler on `server` (one per core).
void register_broker_handlers(BrokerRuntime& rt, CoreState& cs, rpc::RemotingServer& server);

// admin_processor.cc (§7.1-7.4, §7.6)
void process_update_and_create_topic(RequestContext ctx, remoting::RemotingCommand&& request);
void process_delete_topic_in_broker(RequestContext ctx, remoting::RemotingCommand&& request);
void process_get_all_topic_config(RequestContext ctx, remoting::RemotingCommand&& request);
void process_get_broker_runtime_info(RequestContext ctx, remoting::RemotingCommand&& request);
void process_get_topic_stats_info(RequestContext ctx, remoting::RemotingCommand&& request);

// query_processor.cc (§6.6, §6.9)
void process_offset_query(RequestContext ctx, remoting::RemotingCommand&& request);
void process_view_message_by_id(RequestContext ctx, remoting::RemotingCommand&& request);
void process_query_message(RequestContext ctx, remoting::RemotingCommand&& request);

// runtime_info_processor.cc, stats_processor.cc: GET_BROKER_RUNTIME_INFO, VIEW_BROKER_STATS_DATA.
void process_view_broker_stats_data(RequestContext ctx, remoting::RemotingCommand&& request);

// broker_config_processor.cc: GET_BROKER_CONFIG, UPDATE_BROKER_CONFIG.
void process_get_broker_config(RequestContext ctx, remoting::RemotingCommand&& request);
void process_update_broker_config(RequestContext ctx, remoting::RemotingCommand&& request);

// client_manage_processor.cc (§6.1-6.3): heartbeats and client tables, on core 0.
void process_heart_beat(RequestContext ctx, remoting::RemotingCommand&& request);
// SEND_REPLY_MESSAGE(_V2) (324/325): push to the requester, store in the reply topic (issue 15).
void process_send_reply_message(RequestContext ctx, remoting::RemotingCommand&& request);
void process_unregister_client(RequestContext ctx, remoting::RemotingCommand&& request);
void process_get_consumer_list_by_group(RequestContext ctx, remoting::RemotingCommand&& request);
// A client connection of `core` closed: on core 0, drop its channel from every group.
void on_client_connection_closed(BrokerRuntime& rt, unsigned core, reactor::ConnectionId connection);
// Core 0, every kClientScanIntervalMs: drop channels silent for channel_expired_timeout_ms.
void scan_expired_clients(BrokerRuntime& rt);
// Core 0: the group's config, auto-created (and published) if allowed.
const SubscriptionGroupConfig* ensure_subscription_group(BrokerRuntime& rt, const std::string& group);

// consumer_manage_processor.cc (§6.5, §7.5, §7.7-7.9): offsets, groups, consumer admin.
void process_query_consumer_offset(RequestContext ctx, remoting::RemotingCommand&& request);
void process_update_consumer_offset(RequestContext ctx, remoting::RemotingCommand&& request);
// Core 0: checks a consumer offset commit (UPDATE_CONSUMER_OFFSET or a pull's commit flag) against
// the topic table and stores it; kSuccess, or the response code and remark refusing it.
WireError commit_consumer_offset(BrokerRuntime& rt, const std::string& group, const std::string& topic,
                                 std::int32_t queue_id, std::int64_t offset);
void process_get_all_consumer_offset(RequestContext ctx, remoting::RemotingCommand&& request);
void process_get_all_delay_offset(RequestContext ctx, remoting::RemotingCommand&& request);
void process_get_consume_stats(RequestContext ctx, remoting::RemotingCommand&& request);
void process_get_consumer_connection_list(RequestContext ctx, remoting::RemotingCommand&& request);
void process_get_producer_connection_list(RequestContext ctx, remoting::RemotingCommand&& request);
void process_query_topic_consume_by_who(RequestContext ctx, remoting::RemotingCommand&& request);
// subscription_group_processor.cc (§7.9)
void process_update_and_create_subscription_group(RequestContext ctx, remoting::RemotingCommand&& request);
void process_get_all_subscription_group_config(RequestContext ctx, remoting::RemotingCommand&& request);
void process_delete_subscription_group(RequestContext ctx, remoting::RemotingCommand&& request);

// rebalance_lock_processor.cc (§6.8): orderly consumers' queue locks, on core 0.
void process_lock_batch_mq(RequestContext ctx, remoting::RemotingCommand&& request);
void process_unlock_batch_mq(RequestContext ctx, remoting::RemotingCommand&& request);

// consumer_admin_processor.cc: CHECK_CLIENT_CONFIG, QUERY_CONSUME_TIME_SPAN, CLONE_GROUP_OFFSET.
void process_check_client_config(RequestContext ctx, remoting::RemotingCommand&& request);
void process_query_consume_time_span(RequestContext ctx, remoting::RemotingCommand&& request);
void process_clone_group_offset(RequestContext ctx, remoting::RemotingCommand&& request);

// broker2client_processor.cc: requests relayed to live consumers (222, 223, 307, 309).
void process_invoke_broker_to_reset_offset(RequestContext ctx, remoting::RemotingCommand&& request);
void process_invoke_broker_to_get_consumer_status(RequestContext ctx, remoting::RemotingCommand&& request);
void process_get_consumer_running_info(RequestContext ctx, remoting::RemotingCommand&& request);
void process_consume_message_directly(RequestContext ctx, remoting::RemotingCommand&& request);

// send_back_processor.cc (§6.7)
void process_consumer_send_msg_back(RequestContext ctx, remoting::RemotingCommand&& request);

// Runs `per_core` on every core in turn (core 0 .. N-1), then `finish` on the last one. For the
// few requests that need every shard (topic stats, runtime info); never on the send path.
void visit_all_cores(BrokerRuntime& rt, std::function<void(CoreState&)> per_core, std::function<void()> finish);

}  // namespace ringmq::broker
