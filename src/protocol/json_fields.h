// Field readers for decoders of RocketMQ's JSON bodies and files (protocol/*.cc and the broker's
// config/*.json tables; not for headers, which would pull simdjson into every includer).
// Java semantics: a missing or null key keeps the field's default; a present key of another type is
// an error (Errc::malformed), as fastjson would fail to bind it.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmq::protocol::json {

namespace dom = simdjson::dom;

Error malformed(std::string detail);

Result<std::optional<std::int64_t>> optional_int64(dom::object obj, std::string_view key);
Status read_int64(dom::object obj, std::string_view key, std::int64_t& out);
// Also rejects values outside int range.
Status read_int32(dom::object obj, std::string_view key, std::int32_t& out);
Status read_bool(dom::object obj, std::string_view key, bool& out);
Status read_string(dom::object obj, std::string_view key, std::string& out);

// `text` (fastjson's bare integer keys accepted) parsed by `parser` as an object; `what` names the
// body in the error.
Result<dom::object> parse_object(dom::parser& parser, std::string_view text, std::string_view what);
// A fastjson Map<Integer,Long> ({queueId or delay level: offset}) into `out`.
Status read_int_map(dom::object obj, std::map<std::int32_t, std::int64_t>& out, std::string_view what);

}  // namespace ringmq::protocol::json

// Decoders of pieces several bodies share (defined in topic_config.cc).
#include <functional>

#include "protocol/message_queue.h"
#include "protocol/subscription_group_config.h"
#include "protocol/topic_config.h"

namespace ringmq::protocol::json {

Result<DataVersion> data_version_from(dom::element element);
Result<TopicConfig> topic_config_from(std::string_view map_key, dom::element element);
// A TopicConfigSerializeWrapper object: its DataVersion into `version`, each (map key, TopicConfig)
// to `sink` in the order sent.
Status topic_config_wrapper_from(dom::object wrapper, DataVersion& version,
                                 const std::function<void(std::string_view, TopicConfig&&)>& sink);
// A MessageQueue object in standard JSON (LockBatchRequestBody's mqSet, lockOKMQSet), keys in any
// order; malformed when a field is missing or mistyped (defined in message_queue.cc).
Result<MessageQueue> message_queue_from(dom::element element);
// One SubscriptionGroupConfig; groupName defaults to `map_key` (defined in subscription_group_config.cc).
Result<SubscriptionGroupConfig> subscription_group_from(std::string_view map_key, dom::object object);

}  // namespace ringmq::protocol::json
