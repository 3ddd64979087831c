// ShardStore: open and recovery, the write path, and checkpoint rounds. Reads and retention are in
// shard_store_read.cc.
#include "store/shard_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "base/log.h"
#include "base/log_limiter.h"
#include "store/file_util.h"

namespace ringmq::store {

Result<std::unique_ptr<ShardStore>> ShardStore::open(StoreRoot& root, ShardId shard, const StoreOptions& options) {
  if (shard.value >= root.shard_count())
    return make_error(Errc::invalid_argument, fmt::format("shard {} of a {}-shard store", shard.value, root.shard_count()));
  std::unique_ptr<ShardStore> s(new ShardStore(root, shard, options));
  RINGMQ_TRY_ASSIGN(s->log_, CommitLog::open(root.commitlog_dir(shard), shard, options.commit_log));
  RINGMQ_TRY_ASSIGN(s->index_, IndexService::open(root.index_dir(shard), options.index));
  RINGMQ_TRY(s->recover(root.crashed()));
  return s;
}

Status ShardStore::load_queues(bool thorough) {
  const std::string base = root_.consumequeue_dir();
  RINGMQ_TRY(make_dirs(base));
  RINGMQ_TRY_ASSIGN(std::vector<std::string> topics, list_dir(base));
  for (const std::string& topic : topics) {
    RINGMQ_TRY_ASSIGN(std::vector<std::string> ids, list_dir(base + "/" + topic));
    for (const std::string& id : ids) {
      std::int32_t qid = 0;
      const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), qid);
      if (ec != std::errc() || end != id.data() + id.size()) continue;
      RINGMQ_TRY_ASSIGN(std::unique_ptr<ConsumeQueue> q,
                        ConsumeQueue::open(base + "/" + topic + "/" + id, topic, QueueId{qid}, options_.cq_entries_per_file, thorough));
      // Each queue belongs to one shard; its entries' offsets say which. Empty queues are opened
      // lazily by whoever writes them first.
      const std::optional<PhysicalOffset> first = q->first_physical_offset();
      if (!first || shard_of(*first) != shard_) continue;
      queues_[topic][qid] = std::move(q);
    }
  }
  return {};
}

Status ShardStore::recover(bool crashed) {
  const std::optional<CheckpointRecord> cp = root_.checkpoint().read(shard_);
  const bool logics_missing = !path_exists(root_.consumequeue_dir());
  const bool log_empty = log_->segment_count() == 0;
  // Without a checkpoint slot a non-empty log cannot be trusted: treat it as a crash.
  const bool scan = crashed || (!cp && !log_empty) || options_.rebuild_logics || (logics_missing && !log_empty);
  RINGMQ_TRY(load_queues(scan));
  recovery_.crashed = scan;
  const PhysicalOffset log_min = log_->min_offset();
  if (!scan) {
    const PhysicalOffset end = cp ? std::max(cp->commitlog_durable, log_min) : log_min;
    RINGMQ_TRY(log_->recover_to(end, end, cp ? cp->physic_msg_timestamp_ms : 0));
    logics_durable_ = end;
    recovery_.scanned_from = recovery_.end = end;
  } else {
    PhysicalOffset from = cp ? cp->logics_durable : log_min;
    // The slot on disk lags the log by a checkpoint round, so retention may already have deleted
    // segments past its commitlog_durable. Everything below log_min was durable before it was
    // deleted; without the clamp durable_ would sit below the first segment and the next
    // begin_flush() would find no segment for it (assert).
    const PhysicalOffset durable = std::max(cp ? cp->commitlog_durable : log_min, log_min);
    if (options_.rebuild_logics || logics_missing) from = log_min;
    from = std::max(from, log_min);
    RINGMQ_TRY_ASSIGN(PhysicalOffset index_from, index_->cut_from(from));
    from = std::max(std::min(from, index_from), log_min);
    for (auto& [topic, qs] : queues_)
      for (auto& [id, q] : qs) q->truncate_from_physical(from);
    std::int64_t last_ts = 0;
    RINGMQ_TRY_ASSIGN(ScanResult sr, log_->scan(from, durable, [&](const RecordView& r) -> Status {
      last_ts = r.store_timestamp_ms;
      return redispatch(r);
    }));
    RINGMQ_TRY(log_->recover_to(sr.end, std::min(durable, sr.end), last_ts));
    for (auto& [topic, qs] : queues_)
      for (auto& [id, q] : qs) q->truncate_from_physical(sr.end);
    logics_durable_ = std::min(from, sr.end);
    recovery_.scanned_from = from;
    recovery_.end = sr.end;
    recovery_.records_scanned = sr.records;
    log_info("shard {}: recovered {} records from physical offset {} to {}", shard_.value, sr.records, from.value, sr.end.value);
  }
  for (auto& [topic, qs] : queues_)
    for (auto& [id, q] : qs) RINGMQ_TRY(q->drop_before_physical(log_->min_offset()));
  logics_timestamp_ms_ = cp ? cp->logics_msg_timestamp_ms : 0;
  return {};
}

Status ShardStore::redispatch(const RecordView& r) {
  if (takes_queue_offset(r.sys_flag)) {
    RINGMQ_TRY_ASSIGN(ConsumeQueue * q, queue_for_write(r.topic, r.queue_id));
    if (r.queue_offset >= q->max_offset()) {
      if (r.queue_offset > q->max_offset() && q->max_offset() > q->min_offset())
        log_warn("shard {}: queue {}:{} jumps from {} to {} at physical offset {}", shard_.value, r.topic, r.queue_id.value,
                 q->max_offset().value, r.queue_offset.value, r.physical_offset.value);
      RINGMQ_TRY(q->put(r.queue_offset, ConsumeQueueEntry{r.physical_offset, r.total_size, tag_hash_of(r.properties)}));
    }
  }
  index_record(r.topic, r.properties, r.sys_flag, r.physical_offset, r.store_timestamp_ms);
  return {};
}

ConsumeQueue* ShardStore::find_queue(std::string_view topic, QueueId queue_id) const {
  const auto t = queues_.find(topic);
  if (t == queues_.end()) return nullptr;
  const auto q = t->second.find(queue_id.value);
  return q == t->second.end() ? nullptr : q->second.get();
}

Result<ConsumeQueue*> ShardStore::queue_for_write(std::string_view topic, QueueId queue_id) {
  if (ConsumeQueue* q = find_queue(topic, queue_id)) return q;
  if (queue_id.value < 0 || queue_id.value > options_.queue_id_max)
    return make_error(Errc::invalid_argument, fmt::format("queue id {} out of [0, {}]", queue_id.value, options_.queue_id_max));
  if (topic.empty() || topic.find('/') != std::string_view::npos || topic == "." || topic == "..")
    return make_error(Errc::invalid_argument, fmt::format("topic '{}' cannot name a directory", topic));
  const std::string dir = fmt::format("{}/{}/{}", root_.consumequeue_dir(), topic, queue_id.value);
  RINGMQ_TRY_ASSIGN(std::unique_ptr<ConsumeQueue> q,
                    ConsumeQueue::open(dir, std::string(topic), queue_id, options_.cq_entries_per_file, true));
  // Entries left by a queue this shard never finished (e.g. cut by recovery) point past our log.
  q->truncate_from_physical(log_->write_offset());
  ConsumeQueue* raw = q.get();
  queues_[std::string(topic)][queue_id.value] = std::move(q);
  return raw;
}

void ShardStore::index_record(std::string_view topic, std::string_view properties, std::int32_t sys_flag,
                              PhysicalOffset offset, std::int64_t ts) {
  const Status st = index_->add(topic, properties, sys_flag, offset, ts);
  // The index only speeds up QUERY_MESSAGE; losing an entry must not fail a send that is stored.
  if (!st.ok()) {
    static LogLimiter limiter;  // a full disk fails every entry
    RINGMQ_LOG_LIMITED(limiter, log_error, "shard {}: index entry for offset {} lost: {}", shard_.value, offset.value,
                       st.error().to_string());
  }
}

Result<AppendResult> ShardStore::put(const MessageInput& m, std::int64_t store_timestamp_ms) {
  AppendResult out;
  RINGMQ_TRY(put_batch(std::span(&m, 1), store_timestamp_ms, std::span(&out, 1)));
  return out;
}

Status ShardStore::put_batch(std::span<const MessageInput> ms, std::int64_t store_timestamp_ms, std::span<AppendResult> out) {
  RINGMQ_ASSERT(ms.size() == out.size());
  if (!writes_refused_.empty()) return make_error(Errc::no_space, writes_refused_);
  if (ms.empty()) return {};
  for (const MessageInput& m : ms)
    if (m.topic != ms[0].topic || m.queue_id != ms[0].queue_id)
      return make_error(Errc::invalid_argument, "a batch must go to one queue");
  ConsumeQueue* q = nullptr;
  const bool any_takes = std::any_of(ms.begin(), ms.end(), [](const MessageInput& m) { return takes_queue_offset(m.sys_flag); });
  if (any_takes) {
    RINGMQ_TRY_ASSIGN(q, queue_for_write(ms[0].topic, ms[0].queue_id));
  }
  // Queue offsets: the next n for normal/commit messages, 0 for prepared/rollback (§8.3).
  constexpr std::size_t kInline = 64;
  QueueOffset inline_offsets[kInline];
  std::vector<QueueOffset> heap_offsets;
  std::span<QueueOffset> offsets(inline_offsets, std::min(ms.size(), kInline));
  if (ms.size() > kInline) {
    heap_offsets.resize(ms.size());
    offsets = heap_offsets;
  }
  QueueOffset next = q ? q->max_offset() : QueueOffset{0};
  for (std::size_t i = 0; i < ms.size(); ++i) {
    const bool takes = takes_queue_offset(ms[i].sys_flag);
    offsets[i] = takes ? next : QueueOffset{0};
    if (takes) next = next + 1;
  }
  if (q != nullptr && next > q->max_offset()) RINGMQ_TRY(q->reserve(next + -1));
  RINGMQ_TRY(log_->append_batch(ms, offsets, store_timestamp_ms, out));
  for (std::size_t i = 0; i < ms.size(); ++i) {
    if (takes_queue_offset(ms[i].sys_flag)) {
      const Status st = q->put(out[i].queue_offset, ConsumeQueueEntry{out[i].offset, out[i].size, ms[i].tags_code});
      // reserve() created the files, so this cannot fail; a live queue missing an entry would
      // hand out wrong offsets.
      RINGMQ_ASSERT(st.ok());
    }
    index_record(ms[i].topic, ms[i].properties, ms[i].sys_flag, out[i].offset, store_timestamp_ms);
  }
  return {};
}

void ShardStore::write_checkpoint_slot(PhysicalOffset logics_durable) {
  CheckpointRecord r;
  r.physic_msg_timestamp_ms = log_->durable_timestamp_ms();
  r.logics_msg_timestamp_ms = logics_timestamp_ms_;
  r.index_msg_timestamp_ms = logics_timestamp_ms_;
  r.commitlog_durable = log_->durable_offset();
  // Recovery re-dispatches from logics_durable, so it must never pass the durable log end.
  r.logics_durable = std::min(logics_durable, log_->durable_offset());
  root_.checkpoint().write(shard_, r);
}

void ShardStore::begin_checkpoint(FlushPlan& plan, CheckpointScope scope) {
  plan.clear();
  if (checkpoint_in_flight_ != 0) return;
  for (auto& [topic, qs] : queues_)
    for (auto& [id, q] : qs) q->collect_flush(plan);
  index_->collect_flush(plan, scope == CheckpointScope::closing);
  const MappedFilePtr& cp = root_.checkpoint().file();
  plan.ranges.push_back(FlushRange{cp->fd(), 0, static_cast<std::int64_t>(cp->size())});
  plan.pins.push_back(cp);
  // Every record before the write offset has its entries written, so they are all in this round.
  plan.covers = log_->write_offset();
  plan.covers_timestamp_ms = log_->durable_timestamp_ms();
  plan.id = next_checkpoint_id_++;
  checkpoint_in_flight_ = plan.id;
}

Status ShardStore::complete_checkpoint(FlushPlan& plan, int result) {
  RINGMQ_ASSERT(!plan.empty() && plan.id == checkpoint_in_flight_);
  checkpoint_in_flight_ = 0;
  const PhysicalOffset covers = plan.covers;
  const std::int64_t covers_timestamp_ms = plan.covers_timestamp_ms;
  plan.clear();
  index_->flush_done(result == 0);
  if (result != 0) return make_sys_error(-result, fmt::format("fdatasync of shard {} checkpoint round", shard_.value));
  for (auto& [topic, qs] : queues_)
    for (auto& [id, q] : qs) q->flush_done();
  logics_durable_ = std::max(logics_durable_, covers);
  logics_timestamp_ms_ = std::max(logics_timestamp_ms_, covers_timestamp_ms);
  write_checkpoint_slot(logics_durable_);
  return {};
}

Status ShardStore::close() {
  auto rounds = [this]() -> Status {
    FlushPlan plan;
    if (log_->flush_in_flight()) return make_error(Errc::busy, "close with a CommitLog flush round in flight");
    if (checkpoint_in_flight_ != 0) return make_error(Errc::busy, "close with a checkpoint round in flight");
    log_->begin_flush(plan);
    if (!plan.empty()) RINGMQ_TRY(log_->complete_flush(plan, execute_flush_plan(plan)));
    begin_checkpoint(plan, CheckpointScope::closing);
    RINGMQ_TRY(complete_checkpoint(plan, execute_flush_plan(plan)));
    // A log that failed an earlier flush refuses new rounds, so its tail is still not durable.
    if (log_->has_unflushed())
      return make_error(Errc::io, fmt::format("shard {}: CommitLog bytes past offset {} were never synced", shard_.value,
                                              log_->durable_offset().value));
    // The slot written by complete_checkpoint() names everything; StoreRoot::close_clean syncs it.
    return root_.checkpoint().file()->sync();
  };
  Status st = rounds();
  // Whatever failed, the checkpoint slot may not reach the log's end: the next open must scan.
  if (!st.ok()) root_.shard_close_failed_.store(true);
  return st;
}

}  // namespace ringmq::store
