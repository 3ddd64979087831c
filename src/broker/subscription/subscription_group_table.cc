#include "broker/subscription/subscription_group_table.h"

#include <fmt/format.h>

#include "base/json_writer.h"
#include "protocol/json_fields.h"

namespace ringmq::broker {

namespace json = protocol::json;

std::string encode_subscription_groups(const SubscriptionGroupTable& t) {
  JsonWriter w;
  w.begin_object().key("dataVersion");
  protocol::write_data_version(w, t.data_version);
  w.key("subscriptionGroupTable").begin_object();
  for (const auto& [name, g] : t.groups) {
    w.key(name);
    protocol::write_subscription_group(w, g);
  }
  w.end_object().end_object();
  return w.take();
}

Result<SubscriptionGroupTable> decode_subscription_groups(std::string_view text) {
  json::dom::parser parser;
  RINGMQ_TRY_ASSIGN(json::dom::object root, json::parse_object(parser, text, "subscription groups"));
  SubscriptionGroupTable t;
  json::dom::element version;
  if (root["dataVersion"].get(version) == simdjson::SUCCESS) {
    // A damaged version is not worth refusing the groups for: the next change writes a new one.
    Result<protocol::DataVersion> read = json::data_version_from(version);
    if (read.ok()) t.data_version = *read;
  }
  json::dom::object table;
  if (root["subscriptionGroupTable"].get_object().get(table) != simdjson::SUCCESS) return t;
  for (auto field : table) {
    json::dom::object o;
    if (field.value.get_object().get(o) != simdjson::SUCCESS) {
      return json::malformed(fmt::format("subscription groups: '{}' is not an object", field.key));
    }
    RINGMQ_TRY_ASSIGN(SubscriptionGroupConfig g, json::subscription_group_from(field.key, o));
    t.groups[std::string(field.key)] = std::move(g);
  }
  return t;
}

}  // namespace ringmq::broker
