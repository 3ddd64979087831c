// RegisterBrokerBody (REGISTER_BROKER's body, docs/PROTOCOL.md §3.3) and DataVersion JSON, in
// both directions: the NameServer decodes them, the broker encodes them.
//
// Two forms exist:
//   - plain: fastjson JSON {"filterServerList":[...],"topicConfigSerializeWrapper":{"dataVersion":
//     {...},"topicConfigTable":{name:TopicConfig}}}; brokers older than V3_0_11 send only the
//     inner wrapper object, which decode accepts too.
//   - compressed (header compressed=true): a zlib stream (Deflater level 9) of
//       int32 len + DataVersion JSON | int32 N | N x (int32 len + "name read write perm filterType")
//       | int32 len + filterServerList JSON | (5.x brokers only) mapping data, which we ignore.
//     All int32 are big-endian. topicSysFlag and order are not carried in this form.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "protocol/topic_config.h"

namespace ringmq::protocol {

// Largest inflated compressed body we accept: a compressed body inflates ~10-20x, and a plain body
// is capped by the 16 MiB frame limit, so four times that leaves room without letting a small
// "zip bomb" frame allocate without bound.
inline constexpr std::size_t kRegisterBodyInflatedBytesMax = 64 * 1024 * 1024;

struct RegisterBrokerBody {
  DataVersion data_version;
  std::vector<TopicConfig> topic_configs;  // in the order the broker sent them
  std::vector<std::string> filter_server_list;
};

// Decodes a REGISTER_BROKER body. An empty body is a register without topics (DataVersion 0/0),
// as in Java. Errors (Errc::malformed) name what is wrong: bad JSON, a field of the wrong type,
// a truncated or corrupt zlib stream, a layout length running past the end.
Result<RegisterBrokerBody> decode_register_broker_body(std::string_view body, bool compressed);

// Encodes a body as a Java broker would (the broker registers with it, tests and benches build frames): fastjson key order for the plain form (byte-identical to
// the captured 4.9.4 bodies), the binary layout deflated at level 9 for the compressed form.
std::string encode_register_broker_body(const RegisterBrokerBody& body, bool compress);

// The same from a broker's topic table (sorted by name, no filter servers), as 4.9.4 sends it.
std::string encode_register_broker_body(const TopicConfigTable& topics);

}  // namespace ringmq::protocol
