// Stored-record parsing as recovery walks a CommitLog segment: a valid segment of a few records
// and a blank marker is built once, the input corrupts it (each 3-byte group: a 16-bit offset and
// a byte XORed in there; a trailing 1-2 bytes truncate the segment by that much), and the segment
// is walked record by record until the end, a blank or the first corrupt record. The walk must
// stay inside the segment and never loop.
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/assert.h"
#include "base/bytes.h"
#include "protocol/properties.h"
#include "store/record_format.h"

using namespace ringmq;
using namespace ringmq::store;

namespace {

std::vector<std::uint8_t> valid_segment() {
  std::vector<std::uint8_t> segment(2048, 0);
  std::size_t pos = 0;
  const std::string_view bodies[] = {"Hello RocketMQ", "", "a body of a few more bytes than the others"};
  for (int i = 0; i < 3; ++i) {
    MessageInput m;
    m.topic = "TopicTest";
    m.queue_id = QueueId{i};
    m.body = as_bytes(bodies[i]);
    m.properties = i == 1 ? std::string_view() : std::string_view("TAGS\x01TagA\x02KEYS\x01k1\x02");
    m.born_timestamp_ms = 1700000000000 + i;
    m.tags_code = tag_hash_of(m.properties);
    const std::size_t n = encoded_size(m, i == 2 ? RecordCrc::whole_record : RecordCrc::body_only);
    encode_record(m, QueueOffset{i}, PhysicalOffset{static_cast<std::int64_t>(pos)}, 1700000000100 + i, segment.data() + pos,
                  i == 2 ? RecordCrc::whole_record : RecordCrc::body_only);
    pos += n;
  }
  encode_blank(segment.data() + pos, static_cast<std::uint32_t>(segment.size() - pos - 1024));
  return segment;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::uint8_t> pristine = valid_segment();
  std::vector<std::uint8_t> segment = pristine;
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const std::size_t offset = (static_cast<std::size_t>(data[i]) << 8 | data[i + 1]) % segment.size();
    segment[offset] ^= data[i + 2];
  }
  segment.resize(segment.size() - (size - i) * 512);
  std::size_t pos = 0;
  for (int steps = 0; pos < segment.size(); ++steps) {
    RINGMQ_ASSERT(steps < 4096);
    const auto parsed = parse_record(Bytes(segment.data() + pos, segment.size() - pos), true);
    if (parsed.status == ParseStatus::end_of_data || parsed.status == ParseStatus::corrupt) break;
    if (parsed.status == ParseStatus::blank) break;
    RINGMQ_ASSERT(parsed.size > 0 && parsed.size <= segment.size() - pos);
    (void)protocol::find_property(parsed.record.properties, "KEYS");
    pos += parsed.size;
  }
  return 0;
}
