#include "protocol/register_broker_body.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

#include "base/bytes.h"
#include "base/json_writer.h"
#include "base/zlib.h"
#include "protocol/json_fields.h"

namespace ringmq::protocol {
namespace {

namespace dom = json::dom;
using json::malformed;

// Deflater.BEST_COMPRESSION, the level a 4.9.4 broker compresses with.
constexpr int kJavaDeflaterBestCompression = 9;

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

Status wrapper_from(dom::object wrapper, RegisterBrokerBody& body) {
  return json::topic_config_wrapper_from(wrapper, body.data_version, [&body](std::string_view, TopicConfig&& config) {
    body.topic_configs.push_back(std::move(config));
  });
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
  Result<std::string> inflated_or = zlib_inflate(compressed, kRegisterBodyInflatedBytesMax);
  if (!inflated_or.ok()) {
    Error e = std::move(inflated_or).error();
    e.detail = "compressed RegisterBrokerBody: " + e.detail;
    return e;
  }
  const std::string inflated = std::move(inflated_or).value();
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

std::string encode_plain(const RegisterBrokerBody& body) {
  JsonWriter w;
  w.begin_object().key("filterServerList").begin_array();
  for (const std::string& addr : body.filter_server_list) w.value(addr);
  w.end_array().key("topicConfigSerializeWrapper").begin_object().key("dataVersion");
  write_data_version(w, body.data_version);
  w.key("topicConfigTable").begin_object();
  for (const TopicConfig& c : body.topic_configs) {
    w.key(c.topic_name);
    write_topic_config(w, c);
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

  Result<std::string> compressed = zlib_compress(raw, kJavaDeflaterBestCompression);
  RINGMQ_ASSERT(compressed.ok());  // only memory exhaustion fails here
  return std::move(compressed).value();
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

std::string encode_register_broker_body(const TopicConfigTable& topics) {
  RegisterBrokerBody body;
  body.data_version = topics.data_version;
  body.topic_configs.reserve(topics.topics.size());
  for (const auto& [name, config] : topics.topics) body.topic_configs.push_back(config);
  return encode_plain(body);
}

}  // namespace ringmq::protocol
