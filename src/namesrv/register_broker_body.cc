#include "namesrv/register_broker_body.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>

#include "base/bytes.h"
#include "base/json_writer.h"

namespace ringmq::namesrv {
namespace {

namespace dom = simdjson::dom;

// A parser keeps buffers sized for the largest document it has seen (several times the document).
// Register bodies of a broker with 10,000 topics are ~1.4 MB and arrive once per 30 s, so keeping
// their buffers would cost megabytes of idle memory to save an allocation per 30 s.
constexpr std::size_t kParserRetainBytesMax = 256 * 1024;

// One parser per thread: on the thread-per-core reactor each core decodes its own bodies, and a
// parser reuses its buffers between (small) documents.
dom::parser& thread_parser() {
  static thread_local dom::parser parser;
  return parser;
}

void release_parser_after(std::size_t document_bytes) {
  // capacity() too: the compressed form parses JSON items of the inflated body, which can be far
  // larger than the body itself.
  if (document_bytes > kParserRetainBytesMax || thread_parser().capacity() > kParserRetainBytesMax) {
    thread_parser() = dom::parser{};
  }
}

Error malformed(std::string detail) { return make_error(Errc::malformed, std::move(detail)); }

// A missing key yields nullopt (Java keeps the field's default); a present key of another type is
// an error, as fastjson would fail to bind it.
Result<std::optional<std::int64_t>> optional_int64(dom::object obj, std::string_view key) {
  dom::element value;
  if (obj[key].get(value) != simdjson::SUCCESS) return std::optional<std::int64_t>{};
  std::int64_t n = 0;
  if (value.get_int64().get(n) != simdjson::SUCCESS) {
    return malformed(fmt::format("\"{}\" is not an integer", key));
  }
  return std::optional<std::int64_t>{n};
}

Status read_int32(dom::object obj, std::string_view key, std::int32_t& out) {
  RINGMQ_TRY_ASSIGN(const std::optional<std::int64_t> n, optional_int64(obj, key));
  if (!n) return {};
  if (*n < std::numeric_limits<std::int32_t>::min() || *n > std::numeric_limits<std::int32_t>::max()) {
    return malformed(fmt::format("\"{}\" is out of int range", key));
  }
  out = static_cast<std::int32_t>(*n);
  return {};
}

Status read_string(dom::object obj, std::string_view key, std::string& out) {
  dom::element value;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null()) return {};
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) {
    return malformed(fmt::format("\"{}\" is not a string", key));
  }
  out.assign(s);
  return {};
}

Result<DataVersion> data_version_from(dom::element element) {
  dom::object obj;
  if (element.get_object().get(obj) != simdjson::SUCCESS) return malformed("dataVersion is not an object");
  DataVersion version;
  RINGMQ_TRY_ASSIGN(const auto counter, optional_int64(obj, "counter"));
  RINGMQ_TRY_ASSIGN(const auto timestamp, optional_int64(obj, "timestamp"));
  RINGMQ_TRY_ASSIGN(version.state_version, optional_int64(obj, "stateVersion"));
  version.counter = counter.value_or(0);
  version.timestamp = timestamp.value_or(0);
  return version;
}

Result<TopicConfig> topic_config_from(std::string_view map_key, dom::element element) {
  dom::object obj;
  if (element.get_object().get(obj) != simdjson::SUCCESS) {
    return malformed(fmt::format("topic config \"{}\" is not an object", map_key));
  }
  TopicConfig config;
  config.topic_name.assign(map_key);  // topicName, when present, wins (Java keys by it)
  RINGMQ_TRY(read_string(obj, "topicName", config.topic_name));
  RINGMQ_TRY(read_int32(obj, "readQueueNums", config.read_queue_nums));
  RINGMQ_TRY(read_int32(obj, "writeQueueNums", config.write_queue_nums));
  RINGMQ_TRY(read_int32(obj, "perm", config.perm));
  RINGMQ_TRY(read_int32(obj, "topicSysFlag", config.topic_sys_flag));
  RINGMQ_TRY(read_string(obj, "topicFilterType", config.topic_filter_type));
  dom::element order;
  if (obj["order"].get(order) == simdjson::SUCCESS && !order.is_null() &&
      order.get_bool().get(config.order) != simdjson::SUCCESS) {
    return malformed("\"order\" is not a boolean");
  }
  if (config.topic_name.empty()) return malformed("topic config without a topic name");
  return config;
}

Status wrapper_from(dom::object wrapper, RegisterBrokerBody& body) {
  dom::element element;
  if (wrapper["dataVersion"].get(element) == simdjson::SUCCESS && !element.is_null()) {
    RINGMQ_TRY_ASSIGN(body.data_version, data_version_from(element));
  }
  if (wrapper["topicConfigTable"].get(element) != simdjson::SUCCESS || element.is_null()) return {};
  dom::object table;
  if (element.get_object().get(table) != simdjson::SUCCESS) return malformed("topicConfigTable is not an object");
  for (dom::key_value_pair entry : table) {
    RINGMQ_TRY_ASSIGN(TopicConfig config, topic_config_from(entry.key, entry.value));
    body.topic_configs.push_back(std::move(config));
  }
  return {};
}

Status filter_server_list_from(dom::element element, std::vector<std::string>& out) {
  if (element.is_null()) return {};
  dom::array list;
  if (element.get_array().get(list) != simdjson::SUCCESS) return malformed("filterServerList is not an array");
  for (dom::element item : list) {
    std::string_view addr;
    if (item.get_string().get(addr) != simdjson::SUCCESS) return malformed("filterServerList holds a non-string");
    out.emplace_back(addr);
  }
  return {};
}

Result<RegisterBrokerBody> decode_plain(std::string_view json) {
  dom::element root;
  if (auto err = thread_parser().parse(json.data(), json.size()).get(root); err != simdjson::SUCCESS) {
    return malformed(fmt::format("RegisterBrokerBody is not JSON: {}", simdjson::error_message(err)));
  }
  dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return malformed("RegisterBrokerBody is not an object");
  RegisterBrokerBody body;
  dom::element element;
  if (obj["topicConfigSerializeWrapper"].get(element) == simdjson::SUCCESS) {
    dom::object wrapper;
    if (element.get_object().get(wrapper) != simdjson::SUCCESS) {
      return malformed("topicConfigSerializeWrapper is not an object");
    }
    RINGMQ_TRY(wrapper_from(wrapper, body));
  } else {
    RINGMQ_TRY(wrapper_from(obj, body));  // a pre-V3_0_11 broker sends the bare wrapper
  }
  if (obj["filterServerList"].get(element) == simdjson::SUCCESS) {
    RINGMQ_TRY(filter_server_list_from(element, body.filter_server_list));
  }
  return body;
}

Result<std::string> inflate_zlib(std::string_view compressed) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return make_error(Errc::io, "inflateInit failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  int rc = Z_OK;
  while (rc == Z_OK) {
    const std::size_t grow = std::max<std::size_t>(compressed.size() * 4, 4096);
    if (out.size() >= kRegisterBodyInflatedBytesMax) break;
    const std::size_t old_size = out.size();
    out.resize(std::min(old_size + grow, kRegisterBodyInflatedBytesMax));
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + old_size);
    zs.avail_out = static_cast<uInt>(out.size() - old_size);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(out.size() - zs.avail_out);
  }
  inflateEnd(&zs);
  if (rc == Z_STREAM_END) return out;
  if (rc == Z_OK) return make_error(Errc::too_large, "compressed RegisterBrokerBody inflates past the limit");
  if (rc == Z_BUF_ERROR) return malformed("compressed RegisterBrokerBody is truncated");
  return malformed(fmt::format("compressed RegisterBrokerBody is not a zlib stream ({})", zs.msg ? zs.msg : "?"));
}

// One length-prefixed item of the compressed layout.
Result<std::string_view> read_item(ByteReader& reader, std::string_view what) {
  const std::int32_t length = reader.i32();
  if (!reader.ok()) return malformed(fmt::format("compressed body truncated before the {} length", what));
  if (length < 0 || static_cast<std::size_t>(length) > reader.remaining()) {
    return malformed(fmt::format("compressed body: {} length {} runs past the end", what, length));
  }
  return reader.string(static_cast<std::size_t>(length));
}

Result<std::int32_t> parse_int32(std::string_view text, std::string_view what) {
  std::int32_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return malformed(fmt::format("compressed topic config: bad {} \"{}\"", what, text));
  }
  return n;
}

// TopicConfig#encode text: "name read write perm filterType", 5.x adds " attributesJson".
Result<TopicConfig> topic_config_from_text(std::string_view text) {
  // Only the first five fields are read, so only they are split off: splitting the whole text
  // would let one inflated item of spaces build a vector of tens of millions of views.
  constexpr std::size_t kFields = 5;
  std::array<std::string_view, kFields> fields;
  std::size_t found = 0;
  std::size_t start = 0;
  while (found < kFields && start <= text.size()) {
    const std::size_t space = text.find(' ', start);
    const std::size_t end = space == std::string_view::npos ? text.size() : space;
    fields[found++] = text.substr(start, end - start);
    start = end + 1;
  }
  if (found < kFields || fields[0].empty()) {
    return malformed(fmt::format("compressed topic config \"{}\" has too few fields", text));
  }
  TopicConfig config;
  config.topic_name.assign(fields[0]);
  RINGMQ_TRY_ASSIGN(config.read_queue_nums, parse_int32(fields[1], "readQueueNums"));
  RINGMQ_TRY_ASSIGN(config.write_queue_nums, parse_int32(fields[2], "writeQueueNums"));
  RINGMQ_TRY_ASSIGN(config.perm, parse_int32(fields[3], "perm"));
  if (fields[4] != "SINGLE_TAG" && fields[4] != "MULTI_TAG") {
    return malformed(fmt::format("compressed topic config: bad topicFilterType \"{}\"", fields[4]));
  }
  config.topic_filter_type.assign(fields[4]);
  return config;
}

Result<RegisterBrokerBody> decode_compressed(std::string_view compressed) {
  RINGMQ_TRY_ASSIGN(const std::string inflated, inflate_zlib(compressed));
  ByteReader reader(as_bytes(inflated));
  RegisterBrokerBody body;
  RINGMQ_TRY_ASSIGN(const std::string_view version_json, read_item(reader, "DataVersion"));
  RINGMQ_TRY_ASSIGN(body.data_version, decode_data_version(version_json));
  const std::int32_t topic_count = reader.i32();
  if (!reader.ok() || topic_count < 0) return malformed("compressed body: bad topic count");
  // Every entry takes at least its 4-byte length, which bounds a hostile count before reserving.
  if (static_cast<std::size_t>(topic_count) > reader.remaining() / 4) {
    return malformed(fmt::format("compressed body: topic count {} exceeds the data", topic_count));
  }
  // A valid entry is at least its length and "t 0 0 0 SINGLE_TAG" (18 bytes). Reserving for the
  // claimed count alone would let 64 MiB of inflated zeros reserve ~16M TopicConfigs (>1 GiB)
  // before the first entry fails to parse.
  constexpr std::size_t kCompressedTopicEntryBytesMin = 4 + 18;
  body.topic_configs.reserve(
      std::min(static_cast<std::size_t>(topic_count), reader.remaining() / kCompressedTopicEntryBytesMin));
  for (std::int32_t i = 0; i < topic_count; ++i) {
    RINGMQ_TRY_ASSIGN(const std::string_view text, read_item(reader, "topic config"));
    RINGMQ_TRY_ASSIGN(TopicConfig config, topic_config_from_text(text));
    body.topic_configs.push_back(std::move(config));
  }
  RINGMQ_TRY_ASSIGN(const std::string_view filter_json, read_item(reader, "filterServerList"));
  dom::element filters;
  if (thread_parser().parse(filter_json.data(), filter_json.size()).get(filters) != simdjson::SUCCESS) {
    return malformed("compressed body: filterServerList is not JSON");
  }
  RINGMQ_TRY(filter_server_list_from(filters, body.filter_server_list));
  return body;
}

void write_data_version(JsonWriter& w, const DataVersion& version) {
  w.begin_object().key("counter").value(version.counter);
  if (version.state_version) w.key("stateVersion").value(*version.state_version);
  w.key("timestamp").value(version.timestamp).end_object();
}

std::string encode_plain(const RegisterBrokerBody& body) {
  JsonWriter w;
  w.begin_object().key("filterServerList").begin_array();
  for (const std::string& addr : body.filter_server_list) w.value(addr);
  w.end_array().key("topicConfigSerializeWrapper").begin_object().key("dataVersion");
  write_data_version(w, body.data_version);
  w.key("topicConfigTable").begin_object();
  for (const TopicConfig& c : body.topic_configs) {
    w.key(c.topic_name).begin_object();
    w.key("order").value(c.order).key("perm").value(c.perm).key("readQueueNums").value(c.read_queue_nums);
    w.key("topicFilterType").value(c.topic_filter_type).key("topicName").value(c.topic_name);
    w.key("topicSysFlag").value(c.topic_sys_flag).key("writeQueueNums").value(c.write_queue_nums);
    w.end_object();
  }
  w.end_object().end_object().end_object();
  return w.take();
}

std::string encode_compressed(const RegisterBrokerBody& body) {
  std::string raw;
  ByteWriter out(raw);
  auto item = [&out](std::string_view bytes) {
    out.i32(static_cast<std::int32_t>(bytes.size()));
    out.bytes(bytes);
  };
  item(encode_data_version(body.data_version));
  out.i32(static_cast<std::int32_t>(body.topic_configs.size()));
  for (const TopicConfig& c : body.topic_configs) {
    item(fmt::format("{} {} {} {} {}", c.topic_name, c.read_queue_nums, c.write_queue_nums, c.perm,
                     c.topic_filter_type));
  }
  JsonWriter filters;
  filters.begin_array();
  for (const std::string& addr : body.filter_server_list) filters.value(addr);
  item(filters.end_array().str());

  uLongf compressed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string compressed(compressed_size, '\0');
  const int rc = compress2(reinterpret_cast<Bytef*>(compressed.data()), &compressed_size,
                           reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                           Z_BEST_COMPRESSION);
  RINGMQ_ASSERT(rc == Z_OK);  // compressBound sized the buffer; only memory exhaustion fails here
  compressed.resize(compressed_size);
  return compressed;
}

}  // namespace

Result<RegisterBrokerBody> decode_register_broker_body(std::string_view body, bool compressed) {
  if (body.empty()) return RegisterBrokerBody{};
  Result<RegisterBrokerBody> decoded = compressed ? decode_compressed(body) : decode_plain(body);
  release_parser_after(body.size());  // the decoded body owns copies of everything it needs
  return decoded;
}

std::string encode_register_broker_body(const RegisterBrokerBody& body, bool compress) {
  return compress ? encode_compressed(body) : encode_plain(body);
}

Result<DataVersion> decode_data_version(std::string_view json) {
  dom::element root;
  if (auto err = thread_parser().parse(json.data(), json.size()).get(root); err != simdjson::SUCCESS) {
    return malformed(fmt::format("DataVersion is not JSON: {}", simdjson::error_message(err)));
  }
  return data_version_from(root);
}

std::string encode_data_version(const DataVersion& version) {
  JsonWriter w;
  write_data_version(w, version);
  return w.take();
}

}  // namespace ringmq::namesrv
