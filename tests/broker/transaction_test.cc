// Transactional messages: the check round's op-message bookkeeping (broker/transaction/
// transaction_check_plan.h) and the message rewrites of a transaction's life
// (transactional_message_bridge.h), without a store or a clock.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "broker/transaction/transaction_check_plan.h"
#include "broker/transaction/transactional_message_bridge.h"
#include "remoting/message_const.h"
#include "remoting/message_properties.h"
#include "remoting/message_sysflag.h"

using namespace ringmq;
using namespace ringmq::broker;
using namespace ringmq::broker::transaction;
namespace prop = ringmq::remoting::property;
namespace sysflag = ringmq::remoting::message_sysflag;

namespace {

constexpr std::int64_t kNow = 1'000'000;
constexpr std::int64_t kTimeout = 6'000;

CheckParams params() {
  CheckParams p;
  p.now_ms = kNow;
  p.start_ms = kNow;
  p.transaction_timeout_ms = kTimeout;
  p.check_max = 15;
  return p;
}

// A half message born `age_ms` ago (stored at birth).
HalfInfo half(std::int64_t offset, std::int64_t age_ms) {
  HalfInfo h;
  h.queue_offset = offset;
  h.born_ms = kNow - age_ms;
  h.store_ms = kNow - age_ms;
  return h;
}

std::vector<HalfAction> actions_of(const CheckPlan& plan) {
  std::vector<HalfAction> out;
  for (const auto& a : plan.actions) out.push_back(a.action);
  return out;
}

}  // namespace

TEST_CASE("transaction check: an old half message without a decision is checked, a decided one is not") {
  const std::vector<OpEntry> ops = {{0, 1, true}};  // op 0 decided half 1
  const std::vector<HalfInfo> halves = {half(0, 10'000), half(1, 10'000), half(2, 10'000)};
  const CheckPlan plan = plan_check(0, 0, ops, halves, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::check, HalfAction::decided, HalfAction::check});
  CHECK(plan.half_offset == 3);
  CHECK(plan.op_offset == 1);  // the op entry was used, so the op queue moves past it
}

TEST_CASE("transaction check: a half message younger than the timeout stops the round there") {
  const std::vector<HalfInfo> halves = {half(5, 10'000), half(6, 1'000), half(7, 10'000)};
  const CheckPlan plan = plan_check(5, 0, {}, halves, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::check});
  CHECK(plan.half_offset == 6);  // 6 and everything after wait for a later round
  CHECK(plan.op_offset == 0);
}

TEST_CASE("transaction check: decisions for half messages not reached yet keep the op offset") {
  // Op 0 decides half 9 (not read this round), op 1 decides half 0, op 2 names an offset already passed.
  const std::vector<OpEntry> ops = {{0, 9, true}, {1, 0, true}, {2, 3, true}};
  const std::vector<HalfInfo> halves = {half(4, 10'000)};
  CheckPlan plan = plan_check(4, 0, ops, halves, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::check});
  CHECK(plan.op_offset == 0);  // op 0 still pending: ops 1 and 2 are done but not contiguous from 0
  // Once half 9 is reached and decided, every op entry is done.
  const std::vector<HalfInfo> later = {half(9, 10'000)};
  plan = plan_check(9, 0, ops, later, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::decided});
  CHECK(plan.op_offset == 3);
}

TEST_CASE("transaction check: duplicate decisions for one half message are all consumed") {
  const std::vector<OpEntry> ops = {{10, 2, true}, {11, 2, true}};
  const CheckPlan plan = plan_check(2, 10, ops, {half(2, 10'000)}, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::decided});
  CHECK(plan.op_offset == 12);
}

TEST_CASE("transaction check: after transactionCheckMax checks the message is discarded") {
  HalfInfo h = half(0, 10'000);
  h.check_times = 15;
  HalfInfo h2 = half(1, 10'000);
  h2.check_times = 14;
  const CheckPlan plan = plan_check(0, 0, {}, {h, h2}, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::discard, HalfAction::check});
  CHECK(plan.half_offset == 2);
}

TEST_CASE("transaction check: a half message older than the file reserved time is discarded") {
  CheckParams p = params();
  p.file_reserved_ms = 60'000;
  const CheckPlan plan = plan_check(0, 0, {}, {half(0, 61'000)}, p);
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::discard});
}

TEST_CASE("transaction check: messages stored after the round began wait for the next round") {
  CheckParams p = params();
  HalfInfo h = half(0, 10'000);
  h.store_ms = p.start_ms;  // e.g. a re-put of this very round
  const CheckPlan plan = plan_check(0, 0, {}, {h}, p);
  CHECK(plan.actions.empty());
  CHECK(plan.half_offset == 0);
}

TEST_CASE("transaction check: a check-immunity time re-puts the young message once, then finds its decision") {
  HalfInfo h = half(0, 1'000);
  h.has_immunity = true;
  h.immunity_ms = immunity_ms_of("30", kTimeout);
  CHECK(h.immunity_ms == 30'000);
  CheckPlan plan = plan_check(0, 0, {}, {h}, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::reput_immunity});
  CHECK(plan.half_offset == 1);
  // The re-put copy (offset 7) carries TRAN_PREPARED_QUEUE_OFFSET=0; the producer decided offset 0.
  HalfInfo copy = h;
  copy.queue_offset = 7;
  copy.prepared_queue_offset = 0;
  plan = plan_check(0, 0, {{0, 0, true}}, {copy}, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::decided});
  CHECK(plan.op_offset == 1);
  // The decision read in the same round as an earlier offset (the op entry is below the round's start).
  plan = plan_check(8, 0, {{0, 0, true}}, {[&] { HalfInfo c = copy; c.queue_offset = 8; return c; }()}, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::decided});
  // Undecided and still immune: put back again, so the messages behind it are not held up.
  plan = plan_check(7, 0, {}, {copy, half(8, 10'000)}, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::reput_immunity, HalfAction::check});
  // Past the immunity time: checked.
  copy.born_ms = kNow - 31'000;
  copy.store_ms = copy.born_ms;
  plan = plan_check(7, 0, {}, {copy}, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::check});
}

TEST_CASE("transaction check: immunity -1 or not a number falls back to the transaction timeout") {
  CHECK(immunity_ms_of("-1", kTimeout) == kTimeout);
  CHECK(immunity_ms_of("soon", kTimeout) == kTimeout);
  CHECK(immunity_ms_of("", kTimeout) == kTimeout);
}

TEST_CASE("transaction check: a born time in the future (clock stepped back) is checked") {
  HalfInfo h = half(0, -5'000);  // the producer's clock is ahead of the broker's
  h.store_ms = kNow - 10'000;
  const CheckPlan plan = plan_check(0, 0, {}, {h}, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::check});
}

TEST_CASE("transaction check: unreadable records and op entries that are not removals are passed over") {
  HalfInfo bad = half(0, 10'000);
  bad.readable = false;
  const CheckPlan plan = plan_check(0, 0, {{0, 0, false}}, {bad, half(1, 10'000)}, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::passed_over, HalfAction::check});
  CHECK(plan.op_offset == 1);
}

TEST_CASE("transaction check: a gap in the half queue is passed over") {
  const CheckPlan plan = plan_check(0, 0, {}, {half(3, 10'000)}, params());
  CHECK(actions_of(plan) == std::vector<HalfAction>{HalfAction::check});
  CHECK(plan.half_offset == 4);
}

TEST_CASE("transaction op body: the half queue offset in decimal") {
  CHECK(parse_op_body("42") == 42);
  CHECK(parse_op_body("0") == 0);
  CHECK_FALSE(parse_op_body("").has_value());
  CHECK_FALSE(parse_op_body("4x").has_value());
}

namespace {

// A record as the store would hold it, parsed back.
struct StoredRecord {
  std::string bytes;
  store::RecordView view;
};

StoredRecord stored(const InnerMessage& m, std::int64_t queue_offset, std::int64_t physical) {
  const store::MessageInput in = message_input_of(m);
  StoredRecord r;
  r.bytes.resize(store::encoded_size(in));
  store::encode_record(in, store::QueueOffset{queue_offset}, store::PhysicalOffset{physical}, 1234,
                       reinterpret_cast<std::uint8_t*>(r.bytes.data()));
  auto parsed = store::parse_record(as_bytes(r.bytes), true);
  REQUIRE(parsed.status == store::ParseStatus::record);
  r.view = parsed.record;
  return r;
}

// A prepared send as the send path diverts it.
InnerMessage diverted_send() {
  InnerMessage m;
  m.topic = "TopicTx";
  m.queue_id = 3;
  remoting::MessageProperties p;
  p.set(prop::kTransactionPrepared, "true");
  p.set(prop::kProducerGroup, "pg");
  p.set(prop::kUniqClientMessageIdKeyidx, "UNIQ1");
  p.set(prop::kTags, "TagA");
  m.properties = p.encode(false);
  m.sys_flag = sysflag::kTransactionPreparedType;
  m.body = "payload";
  m.born_host = store::HostAddress::ipv4(127, 0, 0, 1, 5000);
  m.store_host = store::HostAddress::ipv4(127, 0, 0, 1, 10911);
  divert_to_half(m.topic, m.queue_id, m.properties, m.sys_flag);
  return m;
}

}  // namespace

TEST_CASE("transaction bridge: TRAN_MSG=true (any case) marks a prepared send") {
  CHECK(is_transaction_prepared(std::string("TRAN_MSG\x01true")));
  CHECK(is_transaction_prepared(std::string("TRAN_MSG\x01TRUE\x02")));
  CHECK_FALSE(is_transaction_prepared(std::string("TRAN_MSG\x01" "false")));
  CHECK_FALSE(is_transaction_prepared(std::string("KEYS\x01true")));
}

TEST_CASE("transaction bridge: a prepared send becomes a half message that keeps its real queue") {
  const InnerMessage m = diverted_send();
  CHECK(m.topic == "RMQ_SYS_TRANS_HALF_TOPIC");
  CHECK(m.queue_id == 0);
  CHECK(sysflag::transaction_type(m.sys_flag) == sysflag::kTransactionNotType);
  const auto p = remoting::MessageProperties::decode(m.properties);
  CHECK(p.get(prop::kRealTopic) == "TopicTx");
  CHECK(p.get(prop::kRealQueueId) == "3");
  CHECK(p.get(prop::kTransactionPrepared) == "true");
}

TEST_CASE("transaction bridge: COMMIT rebuilds the real message, cleaned as 4.9.4 cleans it") {
  const StoredRecord half = stored(diverted_send(), 17, 4096);
  auto committed = commit_message_of(half.view, store::HostAddress::ipv4(10, 0, 0, 1, 10911));
  REQUIRE(committed.ok());
  CHECK(committed->topic == "TopicTx");
  CHECK(committed->queue_id == 3);
  CHECK(committed->body == "payload");
  CHECK(sysflag::transaction_type(committed->sys_flag) == sysflag::kTransactionCommitType);
  CHECK(committed->prepared_transaction_offset == 4096);
  const auto p = remoting::MessageProperties::decode(committed->properties);
  CHECK_FALSE(p.contains(prop::kRealTopic));
  CHECK_FALSE(p.contains(prop::kRealQueueId));
  CHECK_FALSE(p.contains(prop::kTransactionPrepared));
  CHECK(p.get(prop::kWaitStoreMsgOk) == "false");
  CHECK(p.get(prop::kProducerGroup) == "pg");
  CHECK(p.get(prop::kUniqClientMessageIdKeyidx) == "UNIQ1");
  CHECK(p.get(prop::kTags) == "TagA");
}

TEST_CASE("transaction bridge: a half record without REAL_TOPIC cannot be committed") {
  InnerMessage m = diverted_send();
  auto p = remoting::MessageProperties::decode(m.properties);
  p.erase(prop::kRealTopic);
  m.properties = p.encode(false);
  const StoredRecord half = stored(m, 0, 0);
  CHECK_FALSE(commit_message_of(half.view, m.store_host).ok());
}

TEST_CASE("transaction bridge: the op message records a decision as tag d and the half offset") {
  const InnerMessage op = op_message_of(17, store::HostAddress::ipv4(127, 0, 0, 1, 10911), 99);
  CHECK(op.topic == "RMQ_SYS_TRANS_OP_HALF_TOPIC");
  CHECK(op.queue_id == 0);
  CHECK(op.body == "17");
  CHECK(remoting::find_property(op.properties, prop::kTags) == "d");
  CHECK(op.sys_flag == 0);
}

TEST_CASE("transaction bridge: re-puts count checks and remember the original offset") {
  const StoredRecord half = stored(diverted_send(), 17, 4096);
  HalfInfo info = half_info_of(half.view, kTimeout);
  CHECK(info.check_times == 0);
  CHECK_FALSE(info.has_immunity);
  const InnerMessage checked = renewed_for_check(half.view, info.check_times);
  CHECK(checked.topic == "RMQ_SYS_TRANS_HALF_TOPIC");
  const StoredRecord again = stored(checked, 18, 8192);
  CHECK(half_info_of(again.view, kTimeout).check_times == 1);

  const InnerMessage immune = renewed_for_immunity(half.view);
  const StoredRecord immune_stored = stored(immune, 19, 9000);
  CHECK(half_info_of(immune_stored.view, kTimeout).prepared_queue_offset == 17);
  // A second re-put keeps the first offset.
  const StoredRecord twice = stored(renewed_for_immunity(immune_stored.view), 20, 9500);
  CHECK(half_info_of(twice.view, kTimeout).prepared_queue_offset == 17);
}

TEST_CASE("transaction bridge: the check request carries the re-put copy's offsets and the real topic") {
  const StoredRecord half = stored(diverted_send(), 17, 4096);
  const InnerMessage copy = renewed_for_check(half.view, 0);
  store::AppendResult appended;
  appended.offset = store::PhysicalOffset{8192};
  appended.queue_offset = store::QueueOffset{18};
  appended.store_timestamp_ms = 555;
  auto check = check_request_of(copy, appended);
  REQUIRE(check.ok());
  CHECK(check->producer_group == "pg");
  CHECK(check->commit_log_offset == 8192);
  CHECK(check->tran_state_table_offset == 18);
  CHECK(check->msg_id == "UNIQ1");
  auto body = store::parse_record(as_bytes(check->body), true);
  REQUIRE(body.status == store::ParseStatus::record);
  CHECK(body.record.topic == "TopicTx");
  CHECK(body.record.queue_id.value == 3);
  CHECK(body.record.queue_offset.value == 18);
  CHECK(body.record.physical_offset.value == 8192);
}

TEST_CASE("transaction bridge: a discarded half message goes to TRANS_CHECK_MAX_TIME_TOPIC") {
  const StoredRecord half = stored(diverted_send(), 17, 4096);
  const InnerMessage d = discarded_message_of(half.view);
  CHECK(d.topic == "TRANS_CHECK_MAX_TIME_TOPIC");
  CHECK(d.queue_id == 0);
  CHECK(d.body == "payload");
}
