#include "client/pull_api.h"

#include <fmt/format.h>

#include "client/message_codec.h"
#include "remoting/message_sysflag.h"
#include "remoting/pull_message_header.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::client {

namespace pull_sysflag = remoting::pull_sysflag;
namespace response_code = remoting::response_code;
using remoting::RemotingCommand;

Result<PullAPIWrapper::Target> PullAPIWrapper::target(const MessageQueue& mq) {
  std::int64_t broker_id = kMasterId;
  {
    std::lock_guard lock(mutex_);
    if (auto it = suggested_broker_id_.find(mq); it != suggested_broker_id_.end()) broker_id = it->second;
  }
  RINGMQ_TRY_ASSIGN(TopicRouteData route, instance_.route(mq.topic));
  auto found = find_broker_address_in_subscribe(route, mq.broker_name, broker_id);
  if (!found) {
    RINGMQ_TRY_ASSIGN(route, instance_.update_route(mq.topic));
    found = find_broker_address_in_subscribe(route, mq.broker_name, broker_id);
  }
  if (!found) return make_error(Errc::not_found, fmt::format("broker {} is not in the route", mq.broker_name));
  return Target{found->address, found->is_slave};
}

Result<RemotingCommand> PullAPIWrapper::build(const PullRequestArgs& args, const Target& target) const {
  std::int32_t sys_flag = 0;
  // A slave does not keep consumer offsets (§12.4): never ask it to commit.
  if (args.commit_offset > 0 && !target.is_slave) sys_flag |= pull_sysflag::kCommitOffset;
  if (args.suspend_timeout_ms > 0) sys_flag |= pull_sysflag::kSuspend;
  if (args.send_expression) sys_flag |= pull_sysflag::kSubscription;
  remoting::PullMessageRequestHeader header;
  header.consumer_group = group_;
  header.topic = args.mq.topic;
  header.queue_id = args.mq.queue_id;
  header.queue_offset = args.offset;
  header.max_msg_nums = args.max_nums;
  header.sys_flag = sys_flag;
  header.commit_offset = args.commit_offset;
  header.suspend_timeout_ms = args.suspend_timeout_ms;
  if (args.send_expression) header.subscription = args.subscription ? args.subscription->sub_string : "*";
  header.sub_version = args.subscription ? args.subscription->sub_version : 0;
  header.expression_type = args.subscription ? args.subscription->expression_type : "TAG";
  auto request = RemotingCommand::request(remoting::request_code::kPullMessage, instance_.serialize_type());
  remoting::write_pull_message_header(header, request.ext_fields);
  request.has_ext_fields = true;
  return request;
}

Result<PullResult> PullAPIWrapper::process(const MessageQueue& mq, const SubscriptionData* subscription,
                                           Result<RemotingCommand> response) {
  if (!response) return response.take_error();
  PullResult result;
  switch (response->code) {
    case response_code::kSuccess: result.pull_status = PullStatus::found; break;
    case response_code::kPullNotFound: result.pull_status = PullStatus::no_new_msg; break;
    case response_code::kPullRetryImmediately: result.pull_status = PullStatus::no_matched_msg; break;
    case response_code::kPullOffsetMoved: result.pull_status = PullStatus::offset_illegal; break;
    default:
      return make_error(Errc::io, fmt::format("pull {}: broker answered code {} ({})", mq.to_string(),
                                              response->code, response->remark.value_or("")));
  }
  const auto& ext = response->ext_fields;
  auto field = [&ext](std::string_view key) {
    auto value = ext.get_int64_or(key, 0);
    return value ? *value : 0;
  };
  result.next_begin_offset = field("nextBeginOffset");
  result.min_offset = field("minOffset");
  result.max_offset = field("maxOffset");
  result.suggest_which_broker_id = field("suggestWhichBrokerId");
  {
    std::lock_guard lock(mutex_);
    suggested_broker_id_[mq] = result.suggest_which_broker_id;
  }
  if (result.pull_status != PullStatus::found) return result;
  const std::string min_text = std::to_string(result.min_offset);
  const std::string max_text = std::to_string(result.max_offset);
  for (auto& msg : decode_messages(response->body, mq.broker_name)) {
    if (subscription != nullptr && !subscription->accepts(msg.tags())) continue;
    msg.set_property(remoting::property::kMinOffset, min_text);
    msg.set_property(remoting::property::kMaxOffset, max_text);
    result.msg_found_list.push_back(std::move(msg));
  }
  return result;
}

Status PullAPIWrapper::pull_async(const PullRequestArgs& args, PullCallback done, ClientInstance::RunOn run_on) {
  RINGMQ_TRY_ASSIGN(Target where, target(args.mq));
  RINGMQ_TRY_ASSIGN(RemotingCommand request, build(args, where));
  return instance_.invoke_async(
      where.address, std::move(request), args.timeout_ms,
      [this, mq = args.mq, subscription = args.subscription, done = std::move(done)](Result<RemotingCommand> r) {
        done(process(mq, subscription, std::move(r)));
      },
      run_on);
}

Result<PullResult> PullAPIWrapper::pull_sync(const PullRequestArgs& args) {
  RINGMQ_TRY_ASSIGN(Target where, target(args.mq));
  RINGMQ_TRY_ASSIGN(RemotingCommand request, build(args, where));
  return process(args.mq, args.subscription, instance_.invoke_sync(where.address, std::move(request), args.timeout_ms));
}

}  // namespace ringmq::client
