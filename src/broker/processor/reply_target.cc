#include "broker/processor/reply_target.h"

#include "base/assert.h"

namespace ringmq::broker {

remoting::RemotingCommand make_response(const RequestRef& ref, std::int32_t code, std::string remark) {
  remoting::RemotingCommand r;
  r.code = code;
  r.opaque = ref.opaque;
  r.flag = remoting::kFlagResponse;
  r.serialize_type = ref.serialize_type;
  if (!remark.empty()) r.remark = std::move(remark);
  return r;
}

std::uint64_t PendingReplies::park(rpc::ReplyContext reply) {
  std::uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[index];
  RINGMQ_ASSERT(!slot.used);
  slot.reply = std::move(reply);
  slot.used = true;
  ++used_;
  // Token: generation in the high half, index + 1 in the low half (never 0).
  return (static_cast<std::uint64_t>(slot.generation) << 32) | (index + 1u);
}

std::optional<rpc::ReplyContext> PendingReplies::take(std::uint64_t token) {
  const std::uint64_t low = token & 0xFFFFFFFFu;
  if (low == 0 || low > slots_.size()) return std::nullopt;
  const auto index = static_cast<std::uint32_t>(low - 1);
  Slot& slot = slots_[index];
  if (!slot.used || slot.generation != static_cast<std::uint32_t>(token >> 32)) return std::nullopt;
  std::optional<rpc::ReplyContext> out(std::move(slot.reply));
  slot.used = false;
  ++slot.generation;
  free_.push_back(index);
  --used_;
  return out;
}

void PendingReplies::clear() {
  slots_.clear();
  free_.clear();
  used_ = 0;
}

}  // namespace ringmq::broker
