// LOCK_BATCH_MQ (41) / UNLOCK_BATCH_MQ (42): queue locks of orderly consumers (docs/PROTOCOL.md
// §6.8). The lock table (RebalanceLockManager) lives on core 0 with the other client tables.
#include <simdjson.h>

#include <memory>

#include "base/clock.h"
#include "base/json_writer.h"
#include "broker/processor/broker_processors.h"
#include "broker/broker_runtime.h"
#include "broker/client/rebalance_lock_manager.h"
#include "protocol/json_fields.h"
#include "protocol/message_queue.h"
#include "remoting/response_code.h"

namespace ringmq::broker {
namespace {

namespace rc = remoting::response_code;
namespace dom = simdjson::dom;

using protocol::MessageQueue;

// Core 0 only.
RebalanceLockManager& lock_table() {
  static RebalanceLockManager table;
  return table;
}

struct LockBody {
  std::string client_id;
  std::string group;
  std::vector<MessageQueue> mqs;
};

Result<LockBody> parse_lock_body(const std::string& json) {
  dom::parser parser;
  dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS || !root.is_object())
    return make_error(Errc::malformed, "lock body is not a JSON object");
  LockBody b;
  std::string_view s;
  if (root["clientId"].get_string().get(s) == simdjson::SUCCESS) b.client_id = std::string(s);
  if (root["consumerGroup"].get_string().get(s) == simdjson::SUCCESS) b.group = std::string(s);
  dom::array arr;
  if (root["mqSet"].get_array().get(arr) == simdjson::SUCCESS) {
    // An entry that is not a whole MessageQueue names no queue anyone could hold: skipped.
    for (dom::element e : arr) {
      if (auto mq = protocol::json::message_queue_from(e); mq.ok()) b.mqs.push_back(std::move(mq).value());
    }
  }
  if (b.client_id.empty() || b.group.empty()) return make_error(Errc::malformed, "clientId and consumerGroup needed");
  return b;
}

std::string encode_lock_ok(const std::vector<MessageQueue>& mqs) {
  JsonWriter w;
  w.begin_object().key("lockOKMQSet").begin_array();
  for (const auto& mq : mqs) {
    protocol::write_message_queue(w, mq);
  }
  w.end_array().end_object();
  return w.take();
}

void handle(RequestContext ctx, remoting::RemotingCommand&& request, bool lock) {
  auto body = parse_lock_body(request.body);
  if (!body.ok()) return ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSystemError, body.error().to_string()));
  ctx.rt.run_on(0, [ctx, lock, b = std::make_shared<LockBody>(std::move(body).value())] {
    if (!lock) {
      lock_table().unlock(b->group, b->client_id, b->mqs);
      return ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSuccess));
    }
    auto granted = lock_table().try_lock(b->group, b->client_id, b->mqs, wall_clock_ms());
    if (!granted.ok()) {
      return ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSystemError, granted.error().detail));
    }
    auto response = make_response(ctx.ref, rc::kSuccess);
    response.body = encode_lock_ok(*granted);
    ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
  });
}

}  // namespace

void process_lock_batch_mq(RequestContext ctx, remoting::RemotingCommand&& request) {
  handle(ctx, std::move(request), true);
}

void process_unlock_batch_mq(RequestContext ctx, remoting::RemotingCommand&& request) {
  handle(ctx, std::move(request), false);
}

}  // namespace ringmq::broker
