#include "broker/transaction/transaction_check_plan.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace ringmq::broker::transaction {

std::optional<std::int64_t> parse_op_body(std::string_view body) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec != std::errc() || end != body.data() + body.size() || body.empty()) return std::nullopt;
  return v;
}

std::int64_t immunity_ms_of(std::string_view seconds_text, std::int64_t transaction_timeout_ms) {
  auto seconds = parse_op_body(seconds_text);
  if (!seconds || *seconds == -1) return transaction_timeout_ms;
  return *seconds * 1000;
}

namespace {

// The op entries of one round: decisions for half offsets not yet passed (remove map) and the op
// offsets already accounted for (done).
struct OpState {
  std::map<std::int64_t, std::vector<std::int64_t>> removes;  // half offset -> op offsets
  std::vector<std::int64_t> done;
  // Half offsets below the round's start that have a decision among the entries read: an immune
  // copy names its original offset, which the consume offset has usually passed already.
  std::vector<std::int64_t> passed;

  bool take_prepared(std::int64_t original) {
    if (take(original)) return true;
    return std::find(passed.begin(), passed.end(), original) != passed.end();
  }

  // Whether `half_offset` has a decision; if so its op entries become done.
  bool take(std::int64_t half_offset) {
    auto it = removes.find(half_offset);
    if (it == removes.end()) return false;
    done.insert(done.end(), it->second.begin(), it->second.end());
    removes.erase(it);
    return true;
  }
};

OpState fill_op_state(std::int64_t half_offset, const std::vector<OpEntry>& ops) {
  OpState s;
  for (const OpEntry& op : ops) {
    // A decision for a half message already passed, or a tag RocketMQ does not act on, needs
    // nothing more than being counted.
    if (!op.remove || op.half_offset < half_offset) {
      s.done.push_back(op.op_offset);
      if (op.remove) s.passed.push_back(op.half_offset);
    } else {
      s.removes[op.half_offset].push_back(op.op_offset);
    }
  }
  return s;
}

// RocketMQ calculateOpOffset: the op offset advances over the contiguous done prefix.
std::int64_t advance_op_offset(std::int64_t op_offset, std::vector<std::int64_t> done) {
  std::sort(done.begin(), done.end());
  for (std::int64_t d : done) {
    if (d < op_offset) continue;
    if (d != op_offset) break;
    ++op_offset;
  }
  return op_offset;
}

enum class Step { next, stop };

// One half message that no op entry decided: RocketMQ's order of tests.
Step plan_undecided(const HalfInfo& h, const CheckParams& p, OpState& ops, HalfAction& action) {
  const std::int64_t age = p.now_ms - h.born_ms;
  if (h.check_times >= p.check_max || age > p.file_reserved_ms) {
    action = HalfAction::discard;
    return Step::next;
  }
  if (h.store_ms >= p.start_ms) return Step::stop;
  std::int64_t immunity = p.transaction_timeout_ms;
  if (h.has_immunity) {
    immunity = h.immunity_ms;
    if (age < immunity) {
      // Still immune: decided through its original offset, or put back again to wait (RocketMQ
      // checkPrepareQueueOffset), so one long immunity never holds up the messages behind it.
      const bool decided = h.prepared_queue_offset && ops.take_prepared(*h.prepared_queue_offset);
      action = decided ? HalfAction::decided : HalfAction::reput_immunity;
      return Step::next;
    }
  } else if (age >= 0 && age < immunity) {
    return Step::stop;  // new arrival: checked once it is older than the timeout
  }
  // Every op entry up to now was read, so the message is undecided: check it once it is old
  // enough (or its born time lies in the future, a clock that stepped back).
  if (age > immunity || age <= -1) {
    action = HalfAction::check;
    return Step::next;
  }
  return Step::stop;
}

}  // namespace

CheckPlan plan_check(std::int64_t half_offset, std::int64_t op_offset, const std::vector<OpEntry>& ops,
                     const std::vector<HalfInfo>& halves, const CheckParams& params) {
  OpState state = fill_op_state(half_offset, ops);
  CheckPlan plan;
  std::int64_t next = half_offset;
  for (std::size_t i = 0; i < halves.size(); ++i) {
    const HalfInfo& h = halves[i];
    if (h.queue_offset < next) continue;  // a duplicate read; never happens in queue order
    HalfAction action = HalfAction::decided;
    if (state.take(h.queue_offset)) {
      action = HalfAction::decided;
    } else if (!h.readable) {
      action = HalfAction::passed_over;
    } else if (plan_undecided(h, params, state, action) == Step::stop) {
      break;
    }
    plan.actions.push_back({i, action});
    next = h.queue_offset + 1;
  }
  plan.half_offset = next;
  plan.op_offset = advance_op_offset(op_offset, std::move(state.done));
  return plan;
}

}  // namespace ringmq::broker::transaction
