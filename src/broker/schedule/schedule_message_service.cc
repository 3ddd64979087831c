#include "broker/schedule/schedule_message_service.h"

#include <memory>

#include "base/clock.h"
#include "base/log.h"
#include "base/log_limiter.h"
#include "broker/broker_runtime.h"
#include "broker/append/inner_message.h"
#include "broker/append/message_append_service.h"
#include "broker/append/real_destination.h"
#include "broker/queue_shard.h"
#include "remoting/message_const.h"
#include "remoting/message_properties.h"
#include "remoting/topic_validator.h"

namespace ringmq::broker {

namespace prop = remoting::property;

namespace {

// The real message of a SCHEDULE_TOPIC_XXXX record, or nullopt if it names no real queue.
std::optional<InnerMessage> rebuild(const store::RecordView& r) {
  auto props = remoting::MessageProperties::decode(r.properties);
  auto real = real_destination_of(props);
  if (!real) return std::nullopt;
  InnerMessage m;
  m.topic = std::string(real->topic);
  m.queue_id = real->queue_id;
  props.erase(prop::kDelayTimeLevel);
  props.set(prop::kWaitStoreMsgOk, "false");
  m.properties = props.encode(false);
  m.flag = r.flag;
  m.body.assign(reinterpret_cast<const char*>(r.body.data()), r.body.size());
  m.sys_flag = r.sys_flag;
  m.born_timestamp_ms = r.born_timestamp_ms;
  m.born_host = store::HostAddress::of(r.born_host);
  m.reconsume_times = r.reconsume_times;
  return m;
}

}  // namespace

ScheduleMessageService::ScheduleMessageService(BrokerRuntime& rt, CoreState& cs,
                                               const std::map<std::int32_t, std::int64_t>& offsets)
    : rt_(rt), cs_(cs) {
  for (std::int32_t level = 1; level <= rt.delay_levels().max_level(); ++level) {
    if (shard_of_queue(remoting::system_topic::kSchedule, level - 1, rt.core_count()).value != cs.core) continue;
    Level l;
    l.level = level;
    auto it = offsets.find(level);
    l.offset = it == offsets.end() ? 0 : it->second;
    levels_.push_back(l);
  }
}

ScheduleMessageService::~ScheduleMessageService() {
  reactor::Reactor* r = reactor::Reactor::current();
  for (Level& l : levels_) {
    if (r != nullptr && l.timer.valid()) r->cancel_timer(l.timer);
  }
}

void ScheduleMessageService::start() {
  for (Level& l : levels_) arm(l, wall_clock_ms() + kScheduleFirstRunDelayMs);
}

ScheduleMessageService::Level* ScheduleMessageService::find(std::int32_t level) {
  for (Level& l : levels_) {
    if (l.level == level) return &l;
  }
  return nullptr;
}

void ScheduleMessageService::arm(Level& l, std::int64_t at_ms) {
  reactor::Reactor& r = *reactor::Reactor::current();
  if (l.timer_at_ms != 0) {
    if (l.timer_at_ms <= at_ms) return;  // an earlier wake-up is set already
    r.cancel_timer(l.timer);
  }
  const std::int64_t delay = std::max<std::int64_t>(at_ms - wall_clock_ms(), 0);
  auto timer = r.add_timer(delay, [this, level = l.level] {
    Level* lv = find(level);
    lv->timer_at_ms = 0;
    lv->timer = {};
    run(*lv);
  });
  if (!timer.ok()) return;
  l.timer = *timer;
  l.timer_at_ms = at_ms;
}

void ScheduleMessageService::on_arrival(std::int32_t level, std::int64_t deliver_at_ms) {
  Level* l = find(level);
  if (l == nullptr || l->in_flight) return;  // the batch's completion looks again
  arm(*l, deliver_at_ms);
}

void ScheduleMessageService::run(Level& l) {
  if (l.in_flight) return;
  const std::int32_t queue = l.level - 1;
  const std::int64_t delay = rt_.delay_levels().delay_ms(l.level);
  store::GetResult got = cs_.shard->get_messages(remoting::system_topic::kSchedule, store::QueueId{queue}, store::QueueOffset{l.offset},
                                                 kScheduleDeliverBatchMax, SIZE_MAX, {});
  if (got.status == store::GetStatus::offset_too_small || got.status == store::GetStatus::offset_overflow_badly ||
      got.status == store::GetStatus::offset_found_null) {
    log_warn("delay level {}: offset {} corrected to {}", l.level, l.offset, got.next_begin_offset.value);
    l.offset = got.next_begin_offset.value;
    return arm(l, wall_clock_ms());
  }
  if (got.messages.empty()) return;  // idle: on_arrival() wakes the level
  const std::int64_t now = wall_clock_ms();
  std::vector<std::int64_t> due;  // queue offsets of the due prefix
  std::vector<InnerMessage> messages;
  for (const store::MessageRange& m : got.messages) {
    auto parsed = store::parse_record(got.bytes(m), false);
    if (parsed.status != store::ParseStatus::record) break;
    std::int64_t deliver_at = parsed.record.store_timestamp_ms + delay;
    if (deliver_at > now + delay) deliver_at = now;  // a clock step back must not strand it
    if (deliver_at > now) {
      if (messages.empty()) return arm(l, deliver_at);
      break;
    }
    auto inner = rebuild(parsed.record);
    if (!inner) {
      log_error("delay level {}: record at queue offset {} has no REAL_TOPIC/REAL_QID; skipped", l.level,
                m.queue_offset.value);
      inner = InnerMessage{};  // an empty topic marks "skip" below
    }
    inner->store_host = rt_.store_host();
    messages.push_back(std::move(*inner));
    due.push_back(m.queue_offset.value);
  }
  if (messages.empty()) return;
  l.in_flight = true;
  l.delivered.assign(messages.size(), false);
  l.pending = messages.size();
  l.batch_end = due.back() + 1;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto msg = std::make_shared<InnerMessage>(std::move(messages[i]));
    if (msg->topic.empty()) {
      on_delivered(l.level, i, true);
      continue;
    }
    const unsigned owner = shard_of_queue(msg->topic, msg->queue_id, rt_.core_count()).value;
    const unsigned home = cs_.core;
    rt_.run_on(owner, [&rt = rt_, owner, home, msg, level = l.level, i] {
      auto put = rt.core_state(owner).append->put(*msg);
      if (!put.ok()) {
        static LogLimiter limiter;  // retried every tick while the disk is full
        RINGMQ_LOG_LIMITED(limiter, log_warn, "delay delivery to {}:{} failed: {}", msg->topic, msg->queue_id,
                           put.error().to_string());
      }
      const bool ok = put.ok();
      rt.run_on(home, [&rt, home, level, i, ok] { rt.core_state(home).schedule->on_delivered(level, i, ok); });
    });
  }
}

void ScheduleMessageService::on_delivered(std::int32_t level, std::size_t index, bool ok) {
  Level* l = find(level);
  if (l == nullptr || !l->in_flight) return;
  l->delivered[index] = ok;
  if (--l->pending > 0) return;
  // Advance over the acknowledged prefix; a failed append is retried (with what follows it).
  std::size_t done = 0;
  while (done < l->delivered.size() && l->delivered[done]) ++done;
  const std::int64_t first = l->batch_end - static_cast<std::int64_t>(l->delivered.size());
  l->offset = first + static_cast<std::int64_t>(done);
  l->in_flight = false;
  rt_.run_on(0, [&rt = rt_, level, offset = l->offset] { rt.commit_delay_offset(level, offset); });
  arm(*l, done == l->delivered.size() ? wall_clock_ms() : wall_clock_ms() + kScheduleRetryDelayMs);
}

}  // namespace ringmq::broker
