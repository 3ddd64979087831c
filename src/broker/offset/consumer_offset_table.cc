#include "broker/offset/consumer_offset_table.h"

#include <fmt/format.h>

#include "base/json_writer.h"
#include "protocol/json_fields.h"

namespace ringmq::broker {

namespace json = protocol::json;

void write_offset_map(JsonWriter& w, const std::map<std::int32_t, std::int64_t>& offsets) {
  w.begin_object();
  for (const auto& [k, v] : offsets) w.key(std::to_string(k)).value(v);
  w.end_object();
}

std::string encode_consumer_offsets(const ConsumerOffsetTable& t) {
  JsonWriter w;
  w.begin_object().key("offsetTable").begin_object();
  for (const auto& [key, queues] : t.offsets) {
    w.key(key);
    write_offset_map(w, queues);
  }
  w.end_object().end_object();
  return w.take();
}

Result<ConsumerOffsetTable> decode_consumer_offsets(std::string_view text) {
  json::dom::parser parser;
  RINGMQ_TRY_ASSIGN(json::dom::object root, json::parse_object(parser, text, "consumer offsets"));
  ConsumerOffsetTable t;
  json::dom::object table;
  if (root["offsetTable"].get_object().get(table) != simdjson::SUCCESS) return t;
  for (auto field : table) {
    json::dom::object queues;
    if (field.value.get_object().get(queues) != simdjson::SUCCESS) {
      return json::malformed(fmt::format("consumer offsets: '{}' is not an object", field.key));
    }
    RINGMQ_TRY(json::read_int_map(queues, t.offsets[std::string(field.key)], "consumer offsets"));
  }
  return t;
}

}  // namespace ringmq::broker
