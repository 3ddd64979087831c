#include "broker/ha/slave_synchronize.h"

#include "base/log.h"
#include "base/log_limiter.h"
#include "broker/broker_runtime.h"
#include "broker/offset/consumer_offset_manager.h"
#include "broker/schedule/delay_offset_table.h"
#include "broker/subscription/subscription_group_manager.h"
#include "protocol/topic_config.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::broker::ha {

namespace req = remoting::request_code;

SlaveSynchronize::SlaveSynchronize(BrokerRuntime& rt, reactor::Reactor& reactor)
    : rt_(rt), reactor_(reactor), client_(reactor) {}

SlaveSynchronize::~SlaveSynchronize() { *alive_ = false; }

void SlaveSynchronize::start() { (void)reactor_.add_periodic_timer(kSlaveSyncIntervalMs, [this] { round(); }); }

void SlaveSynchronize::round() {
  if (master_.empty() || pending_ > 0) return;
  round_ok_ = true;
  pending_ = 4;
  ask(req::kGetAllTopicConfig, &SlaveSynchronize::apply_topics);
  ask(req::kGetAllConsumerOffset, &SlaveSynchronize::apply_consumer_offsets);
  ask(req::kGetAllDelayOffset, &SlaveSynchronize::apply_delay_offsets);
  ask(req::kGetAllSubscriptiongroupConfig, &SlaveSynchronize::apply_groups);
}

void SlaveSynchronize::ask(std::int32_t code, void (SlaveSynchronize::*apply)(const remoting::RemotingCommand&)) {
  auto request = remoting::RemotingCommand::request(code);
  const Status st = client_.invoke(master_, std::move(request), kSlaveSyncCallTimeoutMs,
                                   [this, alive = alive_, code, apply](Result<remoting::RemotingCommand> r) {
                                     if (!*alive) return;
                                     if (!r.ok() || r->code != remoting::response_code::kSuccess) {
                                       static LogLimiter limiter;
                                       RINGMQ_LOG_LIMITED(limiter, log_warn, "slave sync: code {} from master {}: {}",
                                                          code, master_,
                                                          r.ok() ? r->remark.value_or("refused") : r.error().to_string());
                                       return answered(false);
                                     }
                                     (this->*apply)(*r);
                                     answered(true);
                                   });
  if (!st.ok()) answered(false);
}

void SlaveSynchronize::answered(bool ok) {
  round_ok_ = round_ok_ && ok;
  if (--pending_ == 0 && round_ok_) ++rounds_done_;
}

void SlaveSynchronize::apply_topics(const remoting::RemotingCommand& r) {
  auto table = protocol::decode_topic_config_wrapper(r.body);
  if (!table.ok()) return log_warn("slave sync: master's topics do not decode: {}", table.error().to_string());
  TopicConfigManager& topics = rt_.topic_config_manager();
  bool changed = false;
  for (const auto& [name, config] : table->topics) {
    const TopicConfig* mine = topics.find(name);
    if (mine != nullptr && *mine == config) continue;
    if (auto st = topics.update_topic_config(config); !st.ok()) return log_warn("slave sync: topic {}: {}", name, st.error().to_string());
    changed = true;
  }
  std::vector<std::string> gone;
  for (const auto& [name, config] : topics.snapshot()->topics)
    if (table->topics.find(name) == table->topics.end()) gone.push_back(name);
  for (const std::string& name : gone) {
    (void)topics.delete_topic(name);
    changed = true;
  }
  if (changed) rt_.publish_topics(true);
}

void SlaveSynchronize::apply_consumer_offsets(const remoting::RemotingCommand& r) {
  auto table = decode_consumer_offsets(r.body);
  if (!table.ok()) return log_warn("slave sync: master's consumer offsets do not decode: {}", table.error().to_string());
  ConsumerOffsetManager& offsets = rt_.offsets();
  for (const auto& [key, queues] : table->offsets) {
    const auto at = key.find('@');
    if (at == std::string::npos) continue;
    const std::string_view topic = std::string_view(key).substr(0, at);
    const std::string_view group = std::string_view(key).substr(at + 1);
    for (const auto& [queue, offset] : queues) {
      const auto mine = offsets.query(group, topic, queue);
      if (mine && *mine == offset) continue;
      if (auto st = offsets.commit(group, topic, queue, offset); !st.ok()) {
        static LogLimiter limiter;
        RINGMQ_LOG_LIMITED(limiter, log_warn, "slave sync: offset of {}: {}", key, st.error().to_string());
      }
    }
  }
  offsets.persist();
}

void SlaveSynchronize::apply_delay_offsets(const remoting::RemotingCommand& r) {
  auto table = decode_delay_offsets(r.body);
  if (!table.ok()) return log_warn("slave sync: master's delay offsets do not decode: {}", table.error().to_string());
  for (const auto& [level, offset] : table->offsets) rt_.commit_delay_offset(level, offset);
}

void SlaveSynchronize::apply_groups(const remoting::RemotingCommand& r) {
  auto table = decode_subscription_groups(r.body);
  if (!table.ok()) return log_warn("slave sync: master's subscription groups do not decode: {}", table.error().to_string());
  SubscriptionGroupManager& groups = rt_.groups();
  bool changed = false;
  for (const auto& [name, config] : table->groups) {
    const SubscriptionGroupConfig* mine = groups.find(name);
    if (mine != nullptr && *mine == config) continue;
    groups.update(config);
    changed = true;
  }
  std::vector<std::string> gone;
  for (const auto& [name, config] : groups.table().groups)
    if (table->groups.find(name) == table->groups.end()) gone.push_back(name);
  for (const std::string& name : gone) changed = groups.remove(name) || changed;
  if (changed) rt_.publish_consumers();
}

}  // namespace ringmq::broker::ha
