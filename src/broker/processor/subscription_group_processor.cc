// Subscription group admin (docs/PROTOCOL.md §7.9), on core 0 which owns the table.
#include "base/log.h"
#include "broker/processor/broker_processors.h"
#include "broker/broker_runtime.h"
#include "broker/offset/consumer_offset_manager.h"
#include "broker/subscription/subscription_group_manager.h"
#include "remoting/response_code.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker {
namespace {
namespace rc = remoting::response_code;
}  // namespace

void process_update_and_create_subscription_group(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto config = protocol::decode_subscription_group(request.body);
  if (!config.ok()) {
    return ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSystemError, config.error().to_string()));
  }
  ctx.rt.run_on(0, [ctx, c = std::move(config).value()] {
    log_info("subscription group {} updated", c.group_name);
    ctx.rt.groups().update(c);
    ctx.rt.publish_consumers();
    ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSuccess));
  });
}

void process_get_all_subscription_group_config(RequestContext ctx, remoting::RemotingCommand&&) {
  ctx.rt.run_on(0, [ctx] {
    auto response = make_response(ctx.ref, rc::kSuccess);
    response.body = ctx.rt.groups().encode();
    ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
  });
}

void process_delete_subscription_group(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto group = request.ext_fields.get_string("groupName");
  if (!group.ok()) {
    return ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSystemError, group.error().to_string()));
  }
  const bool clean_offset = request.ext_fields.get_bool_or("cleanOffset", false);
  ctx.rt.run_on(0, [ctx, g = std::string(*group), clean_offset] {
    ctx.rt.groups().remove(g);
    if (clean_offset) ctx.rt.offsets().remove_group(g);
    ctx.rt.publish_consumers();
    ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSuccess));
  });
}

}  // namespace ringmq::broker
