#include "protocol/message_queue.h"

#include <fmt/format.h>

#include <charconv>
#include <functional>

#include "base/json_writer.h"
#include "protocol/json_fields.h"

namespace ringmq::protocol {

std::string MessageQueue::to_string() const {
  return fmt::format("MessageQueue [topic={}, brokerName={}, queueId={}]", topic, broker_name, queue_id);
}

std::size_t MessageQueueHash::operator()(const MessageQueue& mq) const {
  std::size_t h = std::hash<std::string>{}(mq.topic);
  h = h * 31 + std::hash<std::string>{}(mq.broker_name);
  return h * 31 + static_cast<std::size_t>(mq.queue_id);
}

void write_message_queue(JsonWriter& w, std::string_view topic, std::string_view broker_name, std::int32_t queue_id) {
  w.begin_object().key("brokerName").value(broker_name).key("queueId").value(queue_id);
  w.key("topic").value(topic).end_object();
}

void write_message_queue_offset(JsonWriter& w, std::string_view topic, std::string_view broker_name,
                                std::int32_t queue_id, std::int64_t offset) {
  w.begin_object().key("brokerName").value(broker_name).key("offset").value(offset);
  w.key("queueId").value(queue_id).key("topic").value(topic).end_object();
}

std::string encode_message_queue(const MessageQueue& mq) {
  JsonWriter w;
  write_message_queue(w, mq);
  return w.take();
}

namespace {

// Whether `v` is a JSON number that is an integer in range of T (then stored in `out`).
template <typename T>
bool integer_of(const JsonValue* v, T& out) {
  if (v == nullptr || v->kind != JsonValue::Kind::number) return false;
  const auto [end, ec] = std::from_chars(v->text.data(), v->text.data() + v->text.size(), out);
  return ec == std::errc() && end == v->text.data() + v->text.size();
}

// Depth is bounded by parse_fastjson's kJsonDepthMax.
void collect(const JsonValue& v, QueueOffsets& out) {
  if (v.is_array()) {
    for (const JsonValue& item : v.items) collect(item, out);
    return;
  }
  if (!v.is_object()) return;
  std::int64_t offset = 0;
  if (integer_of(v.get("offset"), offset)) {
    if (auto mq = message_queue_from(v); mq.ok()) {
      out.emplace_back(std::move(mq).value(), offset);
      return;
    }
  }
  for (const auto& [key, value] : v.members) {
    if (key.is_object() && integer_of(&value, offset)) {
      if (auto mq = message_queue_from(key); mq.ok()) out.emplace_back(std::move(mq).value(), offset);
      continue;
    }
    collect(value, out);
  }
}

}  // namespace

Result<MessageQueue> message_queue_from(const JsonValue& v) {
  MessageQueue mq;
  const JsonValue* topic = v.get("topic");
  const JsonValue* broker = v.get("brokerName");
  if (!v.is_object() || topic == nullptr || topic->kind != JsonValue::Kind::string || broker == nullptr ||
      broker->kind != JsonValue::Kind::string || !integer_of(v.get("queueId"), mq.queue_id)) {
    return make_error(Errc::malformed, "not a MessageQueue {brokerName, queueId, topic}");
  }
  mq.topic = topic->text;
  mq.broker_name = broker->text;
  return mq;
}

Result<MessageQueue> json::message_queue_from(dom::element element) {
  dom::object o;
  std::string_view topic, broker;
  std::int64_t queue_id = 0;
  if (element.get_object().get(o) != simdjson::SUCCESS || o["topic"].get_string().get(topic) != simdjson::SUCCESS ||
      o["brokerName"].get_string().get(broker) != simdjson::SUCCESS ||
      o["queueId"].get_int64().get(queue_id) != simdjson::SUCCESS || queue_id < INT32_MIN || queue_id > INT32_MAX) {
    return malformed("not a MessageQueue {brokerName, queueId, topic}");
  }
  return MessageQueue{std::string(topic), std::string(broker), static_cast<std::int32_t>(queue_id)};
}

std::string encode_queue_offset_table(const QueueOffsets& entries) {
  // JsonWriter has no object-valued keys, so the map is assembled around it.
  std::string out = "{";
  for (const auto& [mq, offset] : entries) {
    if (out.size() > 1) out.push_back(',');
    out += encode_message_queue(mq);
    out.push_back(':');
    out += std::to_string(offset);
  }
  out.push_back('}');
  return out;
}

QueueOffsets queue_offsets_from(const JsonValue& v) {
  QueueOffsets out;
  collect(v, out);
  return out;
}

Result<QueueOffsets> decode_queue_offset_table(std::string_view body) {
  RINGMQ_TRY_ASSIGN(JsonValue root, parse_fastjson(body));
  return queue_offsets_from(root);
}

}  // namespace ringmq::protocol
