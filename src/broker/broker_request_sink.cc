#include <memory>

#include "broker/broker_processors.h"
#include "broker/broker_runtime.h"
#include "broker/send_message_processor.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

namespace req = remoting::request_code;
namespace rc = remoting::response_code;

void BrokerRequestSink::on_request(reactor::Connection& conn, ConnectionState& state,
                                   remoting::RemotingCommand&& request) {
  RequestContext ctx{rt_, cs_, ReplyTarget{cs_.core, conn.id()}, RequestRef::of(request)};
  switch (request.code) {
    case req::kSendMessage:
    case req::kSendMessageV2:
    case req::kSendBatchMessage: return process_send_message(rt_, cs_, ctx.target, state, std::move(request));
    case req::kUpdateAndCreateTopic: return process_update_and_create_topic(ctx, std::move(request));
    case req::kDeleteTopicInBroker: return process_delete_topic_in_broker(ctx, std::move(request));
    case req::kGetAllTopicConfig: return process_get_all_topic_config(ctx, std::move(request));
    case req::kGetBrokerRuntimeInfo: return process_get_broker_runtime_info(ctx, std::move(request));
    case req::kGetTopicStatsInfo: return process_get_topic_stats_info(ctx, std::move(request));
    case req::kGetMaxOffset:
    case req::kGetMinOffset:
    case req::kSearchOffsetByTimestamp:
    case req::kGetEarliestMsgStoretime: return process_offset_query(ctx, std::move(request));
    case req::kViewMessageById: return process_view_message_by_id(ctx, std::move(request));
    case req::kHeartBeat:
    case req::kUnregisterClient:
      // Producers only need these acknowledged; client tables arrive with the consumer side.
      return rt_.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSuccess));
    default:
      return rt_.reply(ctx.target, ctx.ref,
                       make_response(ctx.ref, rc::kRequestCodeNotSupported,
                                     " request type " + std::to_string(request.code) + " not supported"));
  }
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
