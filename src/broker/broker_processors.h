// The broker's request handlers and the per-core sink that dispatches to them by request code
// (one table, as Redpanda's handlers/ and RocketMQ's processor registration). Every handler runs
// first on the core that received the request and answers through BrokerRuntime::reply.
#pragma once

#include <functional>

#include "broker/frame_server.h"
#include "remoting/command.h"

namespace ringmq::broker {

class BrokerRuntime;
struct CoreState;

// Context of one request on its receiving core.
struct RequestContext {
  BrokerRuntime& rt;
  CoreState& cs;
  ReplyTarget target;
  RequestRef ref;
};

// admin_processor.cc (§7.1-7.4, §7.6)
void process_update_and_create_topic(RequestContext ctx, remoting::RemotingCommand&& request);
void process_delete_topic_in_broker(RequestContext ctx, remoting::RemotingCommand&& request);
void process_get_all_topic_config(RequestContext ctx, remoting::RemotingCommand&& request);
void process_get_broker_runtime_info(RequestContext ctx, remoting::RemotingCommand&& request);
void process_get_topic_stats_info(RequestContext ctx, remoting::RemotingCommand&& request);

// query_processor.cc (§6.6, §6.9)
void process_offset_query(RequestContext ctx, remoting::RemotingCommand&& request);
void process_view_message_by_id(RequestContext ctx, remoting::RemotingCommand&& request);

class BrokerRequestSink final : public RequestSink {
 public:
  BrokerRequestSink(BrokerRuntime& rt, CoreState& cs) : rt_(rt), cs_(cs) {}
  void on_request(reactor::Connection& conn, ConnectionState& state, remoting::RemotingCommand&& request) override;

 private:
  BrokerRuntime& rt_;
  CoreState& cs_;
};

// Runs `per_core` on every core in turn (core 0 .. N-1), then `finish` on the last one. For the
// few requests that need every shard (topic stats, runtime info); never on the send path.
void visit_all_cores(BrokerRuntime& rt, std::function<void(CoreState&)> per_core, std::function<void()> finish);

}  // namespace ringmq::broker
