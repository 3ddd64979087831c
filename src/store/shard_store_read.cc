// ShardStore: reads (pulls, offset and time queries, lookups by id and key) and retention.
#include <fmt/format.h>

#include <algorithm>

#include "base/log.h"
#include "store/shard_store.h"

namespace ringmq::store {
namespace {

bool tag_matches(std::span<const std::int64_t> codes, std::int64_t code) {
  if (codes.empty()) return true;
  // RocketMQ compares (int) tagsCode against the subscription's int hash codes.
  const auto narrow = static_cast<std::int32_t>(code);
  return std::any_of(codes.begin(), codes.end(), [&](std::int64_t c) { return static_cast<std::int32_t>(c) == narrow; });
}

// Whether `key` is one of the space-separated values of `list`.
bool list_contains(std::string_view list, std::string_view key) {
  while (!list.empty()) {
    const std::size_t sp = list.find(' ');
    if (list.substr(0, sp) == key) return true;
    if (sp == std::string_view::npos) break;
    list.remove_prefix(sp + 1);
  }
  return false;
}

}  // namespace

std::size_t ShardStore::queue_count() const {
  std::size_t n = 0;
  for (const auto& [topic, qs] : queues_) n += qs.size();
  return n;
}

QueueOffset ShardStore::min_offset(std::string_view topic, QueueId queue_id) const {
  const ConsumeQueue* q = find_queue(topic, queue_id);
  return q ? q->min_offset() : QueueOffset{0};
}

QueueOffset ShardStore::max_offset(std::string_view topic, QueueId queue_id) const {
  const ConsumeQueue* q = find_queue(topic, queue_id);
  return q ? q->max_offset() : QueueOffset{0};
}

GetResult ShardStore::get_messages(std::string_view topic, QueueId queue_id, QueueOffset from, std::size_t max_messages,
                                   std::size_t max_bytes, std::span<const std::int64_t> tag_codes,
                                   const RecordFilter& accept) const {
  GetResult out;
  const ConsumeQueue* q = find_queue(topic, queue_id);
  if (q == nullptr || q->max_offset().value == 0) {
    out.status = GetStatus::no_message_in_queue;
    return out;
  }
  out.min_offset = q->min_offset();
  out.max_offset = q->max_offset();
  if (from < out.min_offset) {
    out.status = GetStatus::offset_too_small;
    out.next_begin_offset = out.min_offset;
    return out;
  }
  if (from >= out.max_offset) {
    out.status = from == out.max_offset ? GetStatus::offset_overflow_one : GetStatus::offset_overflow_badly;
    out.next_begin_offset = from == out.max_offset ? from : out.max_offset;
    return out;
  }
  const PhysicalOffset log_min = log_->min_offset();
  bool saw_live = false;
  QueueOffset at = from;
  for (std::size_t scanned = 0; at < out.max_offset && scanned < options_.get_scan_entries_max; at = at + 1, ++scanned) {
    if (out.messages.size() >= max_messages) break;
    const ConsumeQueueEntry e = q->get(at);
    if (e.offset < log_min) continue;  // its segment was deleted by retention
    saw_live = true;
    if (!tag_matches(tag_codes, e.tags_code)) continue;
    if (!out.messages.empty() && out.total_bytes + e.size > max_bytes) break;
    Result<RecordSlice> s = log_->slice(e.offset, e.size);
    if (!s.ok()) continue;
    if (accept && !accept(s->bytes())) continue;  // ExpressionMessageFilter.isMatchedByCommitLog
    if (out.pins.empty() || out.pins.back() != s->segment) out.pins.push_back(s->segment);
    out.messages.push_back(MessageRange{static_cast<std::uint32_t>(out.pins.size() - 1), s->position, e.size, at, e.offset});
    out.total_bytes += e.size;
  }
  out.next_begin_offset = at;
  if (!out.messages.empty()) out.status = GetStatus::found;
  else out.status = saw_live ? GetStatus::no_matched_message : GetStatus::offset_found_null;
  return out;
}

Result<std::int64_t> ShardStore::store_timestamp_at(std::string_view topic, QueueId queue_id, QueueOffset at) const {
  const ConsumeQueue* q = find_queue(topic, queue_id);
  if (q == nullptr || at < q->min_offset() || at >= q->max_offset())
    return make_error(Errc::not_found, fmt::format("{}:{} has no offset {}", topic, queue_id.value, at.value));
  RINGMQ_TRY_ASSIGN(RecordView r, log_->read_record(q->get(at).offset));
  return r.store_timestamp_ms;
}

QueueOffset ShardStore::offset_for_timestamp(std::string_view topic, QueueId queue_id, std::int64_t timestamp_ms) const {
  const ConsumeQueue* q = find_queue(topic, queue_id);
  if (q == nullptr) return QueueOffset{0};
  // Entries whose records are gone sort before everything: start after them.
  QueueOffset lo = q->min_offset();
  while (lo < q->max_offset() && q->get(lo).offset < log_->min_offset()) lo = lo + 1;
  QueueOffset hi = q->max_offset();
  // Store times grow with queue offset: binary search for the first one >= timestamp_ms.
  while (lo < hi) {
    const QueueOffset mid{lo.value + (hi.value - lo.value) / 2};
    const Result<std::int64_t> t = store_timestamp_at(topic, queue_id, mid);
    if (t.ok() && *t < timestamp_ms) lo = mid + 1; else hi = mid;
  }
  return lo;
}

Result<RecordSlice> ShardStore::message_at(PhysicalOffset offset) const {
  if (shard_of(offset) != shard_)
    return make_error(Errc::invalid_argument, fmt::format("offset {} belongs to shard {}", offset.value, shard_of(offset).value));
  RINGMQ_TRY_ASSIGN(RecordView r, log_->read_record(offset));
  return log_->slice(offset, r.total_size);
}

std::vector<RecordSlice> ShardStore::query_index(std::string_view topic, std::string_view key, std::string_view property,
                                                 std::int64_t begin_ms, std::int64_t end_ms, std::size_t max) const {
  std::vector<RecordSlice> out;
  for (PhysicalOffset off : index_->query(topic, key, begin_ms, end_ms, max)) {
    Result<RecordView> r = log_->read_record(off);
    if (!r.ok() || r->topic != topic) continue;
    const std::string_view values = protocol::find_property(r->properties, property).value_or("");
    const bool match = property == kPropertyKeys ? list_contains(values, key) : values == key;
    if (!match) continue;  // a hash collision
    Result<RecordSlice> s = log_->slice(off, r->total_size);
    if (s.ok()) out.push_back(std::move(*s));
  }
  return out;
}

std::vector<RecordSlice> ShardStore::query_by_key(std::string_view topic, std::string_view key, std::int64_t begin_ms,
                                                  std::int64_t end_ms, std::size_t max) const {
  return query_index(topic, key, kPropertyKeys, begin_ms, end_ms, max);
}

std::vector<RecordSlice> ShardStore::query_by_unique_key(std::string_view topic, std::string_view unique_key,
                                                         std::int64_t begin_ms, std::int64_t end_ms, std::size_t max) const {
  return query_index(topic, unique_key, kPropertyUniqKey, begin_ms, end_ms, max);
}

Result<RetentionReport> ShardStore::run_retention(const RetentionInputs& in) {
  RetentionReport report;
  const std::int64_t keep_ms = options_.retention_hours * 3600 * 1000;
  // RocketMQ: expired files go at the delete hour, or early once the disk is fuller than
  // diskMaxUsedSpaceRatio; past diskSpaceCleanForciblyRatio even unexpired ones go.
  const bool space_short = in.disk_usage_ratio >= options_.disk_usage_max_ratio;
  const bool forcibly = in.disk_usage_ratio >= options_.disk_clean_forcibly_ratio;
  while (log_->segment_count() > 1 && report.segments_deleted < options_.retention_segments_per_run_max) {
    const MappedFilePtr& oldest = log_->segment_at(0);
    const std::int64_t newest_ts = log_->last_store_timestamp_in(0);
    const bool expired = newest_ts > 0 && in.now_ms - newest_ts >= keep_ms && (in.delete_hour || space_short);
    // Forcibly one segment per call: the caller measures the disk again before the next.
    const bool squeeze = forcibly && report.segments_deleted == 0;
    if (!expired && !squeeze) break;
    if (oldest->start() + static_cast<std::int64_t>(log_->segment_bytes()) > log_->durable_offset().value) break;
    if (pinned(oldest)) {
      report.waiting_for_reader = true;
      break;
    }
    const std::string why =
        expired ? fmt::format("its newest message is {} h old (fileReservedTime {} h{})", (in.now_ms - newest_ts) / 3'600'000,
                              options_.retention_hours, in.delete_hour ? "" : ", disk above diskMaxUsedSpaceRatio")
                : fmt::format("disk {:.0f}% used, at or above diskSpaceCleanForciblyRatio {:.0f}%", in.disk_usage_ratio * 100,
                              options_.disk_clean_forcibly_ratio * 100);
    RINGMQ_TRY(log_->delete_oldest_segment(why));
    ++report.segments_deleted;
  }
  if (report.segments_deleted > 0) {
    const PhysicalOffset min = log_->min_offset();
    for (auto& [topic, qs] : queues_)
      for (auto& [id, q] : qs) RINGMQ_TRY(q->drop_before_physical(min));
    RINGMQ_TRY(index_->drop_before_physical(min));
  }
  return report;
}

}  // namespace ringmq::store
