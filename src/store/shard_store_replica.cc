// ShardStore::append_replicated: a slave writes the master's log bytes and builds its
// ConsumeQueues and index from them in the same step, so a pull on the slave sees each record as
// soon as it arrived (docs/ARCHITECTURE.md §10).
#include <fmt/format.h>

#include "base/bytes.h"
#include "store/shard_store.h"

namespace ringmq::store {

Result<std::vector<RecordView>> ShardStore::append_replicated(PhysicalOffset at, Bytes bytes) {
  // Parse everything before writing anything: bytes that do not hold whole, well-placed records
  // (a confused or hostile peer) must not reach the log.
  std::vector<RecordView> records;
  bool blank_tail = false;
  std::int64_t last_ts = 0;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const PhysicalOffset here = at + static_cast<std::int64_t>(pos);
    // Only a blank marker's 8 bytes travel (the rest of the segment is not data), so it is
    // checked here against the segment end rather than by parse_record.
    if (bytes.size() - pos >= kBlankMarkerBytes && load_be32(bytes.data() + pos + 4) == kBlankMagic) {
      const auto seg = static_cast<std::int64_t>(log_->segment_bytes());
      const std::int64_t left = seg - (here.value - shard_base(shard_).value) % seg;
      if (pos + kBlankMarkerBytes != bytes.size() || load_be32(bytes.data() + pos) != static_cast<std::uint32_t>(left))
        return make_error(Errc::invalid_argument, fmt::format("replica blank marker at {} is not the end of a segment", here.value));
      blank_tail = true;
      break;
    }
    const ParseResult r = parse_record(bytes.subspan(pos), false);
    if (r.status != ParseStatus::record)
      return make_error(Errc::invalid_argument, fmt::format("replica bytes at {} hold no whole record: {}", here.value,
                                                            r.status == ParseStatus::corrupt ? r.why : "end of data"));
    if (r.record.physical_offset != here)
      return make_error(Errc::invalid_argument, fmt::format("replica record at {} says it is at {}", here.value,
                                                            r.record.physical_offset.value));
    records.push_back(r.record);
    last_ts = r.record.store_timestamp_ms;
    pos += r.size;
  }
  if (!writes_refused_.empty()) return make_error(Errc::no_space, writes_refused_);
  RINGMQ_TRY(log_->append_raw(at, bytes, blank_tail, last_ts));
  for (const RecordView& r : records) RINGMQ_TRY(redispatch(r));
  return records;
}

}  // namespace ringmq::store
