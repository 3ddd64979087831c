#include "broker/schedule/delay_offset_table.h"

#include "base/json_writer.h"
#include "broker/offset/consumer_offset_table.h"
#include "protocol/json_fields.h"

namespace ringmq::broker {

namespace json = protocol::json;

std::string encode_delay_offsets(const DelayOffsetTable& t) {
  JsonWriter w;
  w.begin_object().key("offsetTable");
  write_offset_map(w, t.offsets);
  w.end_object();
  return w.take();
}

Result<DelayOffsetTable> decode_delay_offsets(std::string_view text) {
  json::dom::parser parser;
  RINGMQ_TRY_ASSIGN(json::dom::object root, json::parse_object(parser, text, "delay offsets"));
  DelayOffsetTable t;
  json::dom::object table;
  if (root["offsetTable"].get_object().get(table) != simdjson::SUCCESS) return t;
  RINGMQ_TRY(json::read_int_map(table, t.offsets, "delay offsets"));
  return t;
}

}  // namespace ringmq::broker
