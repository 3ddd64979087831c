// GET_BROKER_CONFIG and UPDATE_BROKER_CONFIG (docs/PROTOCOL.md §7; AdminBrokerProcessor
// #getBrokerConfig / #updateBrokerConfig). The body is a Java properties text under RocketMQ's key
// names. The keys read afresh on every use (broker_config_update.h) are applied live; an update
// naming any other key is refused with SYSTEM_ERROR naming it (mqadmin prints the remark) rather
// than accepted and silently ignored. Updates last until a restart (broker.conf is not rewritten).
#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "base/log.h"
#include "base/properties_file.h"
#include "broker/broker_config_update.h"
#include "broker/processor/broker_processors.h"
#include "broker/broker_runtime.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

namespace rc = remoting::response_code;

namespace {

const char* flush_name(FlushMode mode) { return mode == FlushMode::sync_flush ? "SYNC_FLUSH" : "ASYNC_FLUSH"; }

const char* role_name(BrokerRole role) {
  switch (role) {
    case BrokerRole::sync_master: return "SYNC_MASTER";
    case BrokerRole::slave: return "SLAVE";
    default: return "ASYNC_MASTER";
  }
}

std::string join_namesrv(const std::vector<std::string>& addrs) {
  std::string out;
  for (const auto& a : addrs) {
    if (!out.empty()) out += ';';
    out += a;
  }
  return out;
}

// The settings ringmq has, under the names of RocketMQ's BrokerConfig / MessageStoreConfig /
// NettyServerConfig fields, in Java's alphabetical property order.
std::vector<std::pair<std::string, std::string>> config_properties(const BrokerRuntime& rt) {
  const BrokerConfig& c = rt.config();
  const auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  const auto n = [](auto v) { return fmt::format("{}", v); };
  std::vector<std::pair<std::string, std::string>> p = {
      {"autoCreateSubscriptionGroup", b(c.auto_create_subscription_group)},
      {"autoCreateTopicEnable", b(c.auto_create_topic)},
      {"brokerClusterName", c.cluster_name},
      {"brokerIP1", rt.identity().broker_addr.substr(0, rt.identity().broker_addr.rfind(':'))},
      {"brokerId", n(c.broker_id)},
      {"brokerName", c.broker_name},
      {"brokerRole", role_name(c.role)},
      {"channelExpiredTimeout", n(c.channel_expired_timeout_ms)},
      {"defaultTopicQueueNums", n(c.default_topic_queue_nums)},
      {"diskMaxUsedSpaceRatio", n(c.disk_max_used_percent)},
      {"enablePropertyFilter", b(c.enable_property_filter)},
      {"fileReservedTime", n(c.retention_hours)},
      {"flushDiskType", flush_name(c.flush_mode)},
      {"flushIntervalCommitLog", n(c.async_flush_interval_ms)},
      {"listenPort", n(rt.listen_port())},
      {"longPollingEnable", b(c.long_polling_enable)},
      {"mapedFileSizeCommitLog", n(c.commit_log_segment_bytes)},
      {"maxMessageSize", n(c.max_message_bytes)},
      {"messageDelayLevel", c.delay_levels},
      {"namesrvAddr", join_namesrv(c.namesrv_addrs)},
      {"registerNameServerPeriod", n(c.register_period_ms)},
      {"shortPollingTimeMills", n(c.short_polling_time_ms)},
      {"storePathRootDir", c.store_dir},
      {"storeReplyMessageEnable", b(c.store_reply_message_enable)},
      {"syncFlushTimeout", n(c.sync_flush_timeout_ms)},
  };
  return p;
}

}  // namespace

void process_get_broker_config(RequestContext ctx, remoting::RemotingCommand&&) {
  std::string body;
  for (const auto& [key, value] : config_properties(ctx.rt)) body += key + "=" + value + "\n";
  auto response = make_response(ctx.ref, rc::kSuccess);
  response.has_ext_fields = true;
  // GetBrokerConfigResponseHeader#version: the config's DataVersion, counting live updates.
  response.ext_fields.set("version", fmt::format("{{\"counter\":{},\"timestamp\":{}}}", ctx.rt.config_updates(),
                                                 ctx.rt.boot_timestamp_ms()));
  response.body = std::move(body);
  ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
}

// AdminBrokerProcessor#updateBrokerConfig: the body is a properties text. All of it is applied on
// core 0 (one snapshot replaces the config in effect) or none of it is.
void process_update_broker_config(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto update = parse_properties(request.body);
  if (!update.ok() || update->empty()) {
    return ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSystemError, "string2Properties error"));
  }
  ctx.rt.run_on(0, [ctx, u = std::move(update).value()] {
    auto next = apply_broker_config_update(ctx.rt.config(), u);
    Status st = next.ok() ? ctx.rt.update_config(std::move(next).value()) : Status(next.take_error());
    if (!st.ok()) {
      return ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSystemError, st.error().detail));
    }
    for (const auto& [key, value] : u) log_info("broker config updated live: {}={}", key, value);
    ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSuccess));
  });
}

}  // namespace ringmq::broker
