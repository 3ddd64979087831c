// The bookkeeping of one transaction check round (RocketMQ TransactionalMessageServiceImpl#check,
// fillOpRemoveMap, checkPrepareQueueOffset, calculateOpOffset), as a pure function so it can be
// tested without a store or a clock.
//
// Input: the op entries read from the op queue's consume offset on, and the half messages read
// from the half queue's consume offset on, in queue order. Output: what to do with each half
// message examined, and the two offsets to commit for CID_SYS_RMQ_TRANS. Nothing here reads or
// writes anything; the check service (transactional_message_check_service.h) does.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ringmq::broker::transaction {

// One op message: its own queue offset, and the half queue offset its body names. `remove` is
// false for a tag other than "d" (RocketMQ logs those; they count as processed here).
struct OpEntry {
  std::int64_t op_offset = 0;
  std::int64_t half_offset = 0;
  bool remove = true;
};

// Parses an op message body (the half queue offset in decimal); nullopt if it is not a number.
std::optional<std::int64_t> parse_op_body(std::string_view body);

// What the plan needs of one half message.
struct HalfInfo {
  std::int64_t queue_offset = 0;
  bool readable = true;          // false: the record did not parse; it is passed over
  std::int64_t born_ms = 0;
  std::int64_t store_ms = 0;
  std::int32_t check_times = 0;  // TRANSACTION_CHECK_TIMES
  bool has_immunity = false;     // CHECK_IMMUNITY_TIME_IN_SECONDS present
  std::int64_t immunity_ms = 0;  // its value resolved by immunity_ms_of
  std::optional<std::int64_t> prepared_queue_offset;  // TRAN_PREPARED_QUEUE_OFFSET
};

// CHECK_IMMUNITY_TIME_IN_SECONDS in ms; the transaction timeout when it is -1 or not a number
// (RocketMQ getImmunityTime).
std::int64_t immunity_ms_of(std::string_view seconds_text, std::int64_t transaction_timeout_ms);

struct CheckParams {
  std::int64_t now_ms = 0;
  std::int64_t start_ms = 0;  // when the round began: messages stored since wait for the next one
  std::int64_t transaction_timeout_ms = 6'000;
  std::int32_t check_max = 15;
  std::int64_t file_reserved_ms = 72LL * 3600 * 1000;  // older half messages are skipped
};

enum class HalfAction {
  decided,         // an op message decided it: nothing to do
  passed_over,     // unreadable record
  discard,         // checked check_max times, or older than the file reserved time
  reput_immunity,  // young, with a check-immunity time: re-put carrying TRAN_PREPARED_QUEUE_OFFSET
  check,           // re-put with TRANSACTION_CHECK_TIMES + 1, then ask the producer
};

struct PlannedHalf {
  std::size_t index = 0;  // into the halves given
  HalfAction action = HalfAction::decided;
};

struct CheckPlan {
  std::vector<PlannedHalf> actions;  // in order; halves after the last one wait for a later round
  std::int64_t half_offset = 0;      // new consume offset of the half queue
  std::int64_t op_offset = 0;        // new consume offset of the op queue
};

// `ops` start at `op_offset` (gaps allowed); `halves` at `half_offset` or later (a gap is a range
// that no longer exists, passed over).
CheckPlan plan_check(std::int64_t half_offset, std::int64_t op_offset, const std::vector<OpEntry>& ops,
                     const std::vector<HalfInfo>& halves, const CheckParams& params);

}  // namespace ringmq::broker::transaction
