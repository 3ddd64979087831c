#include "client/message.h"

#include <charconv>

namespace ringmq::client {

namespace property = remoting::property;

Message::Message(std::string topic, std::string tags, std::string body)
    : topic_(std::move(topic)), body_(std::move(body)) {
  if (!tags.empty()) set_tags(tags);
}

void Message::set_keys(const std::vector<std::string>& keys) {
  std::string joined;
  for (const auto& key : keys) {
    if (!joined.empty()) joined += ' ';
    joined += key;
  }
  set_keys(joined);
}

int Message::delay_time_level() const {
  std::string_view text = property(property::kDelayTimeLevel);
  int level = 0;
  std::from_chars(text.data(), text.data() + text.size(), level);
  return level;
}

void Message::set_delay_time_level(int level) { set_property(property::kDelayTimeLevel, std::to_string(level)); }

bool Message::wait_store_msg_ok() const { return property(property::kWaitStoreMsgOk) != "false"; }

void Message::set_wait_store_msg_ok(bool wait) {
  set_property(property::kWaitStoreMsgOk, wait ? "true" : "false");
}

std::string_view Message::property(std::string_view name) const {
  auto value = properties_.get(name);
  return value ? *value : std::string_view{};
}

void Message::set_property(std::string_view name, std::string_view value) {
  // Java's encoder skips null values; an empty value would not survive decoding (§4.2).
  if (value.empty()) {
    properties_.erase(name);
    return;
  }
  properties_.set(name, value);
}

std::string_view MessageExt::msg_id() const {
  std::string_view uniq = property(property::kUniqClientMessageIdKeyidx);
  return uniq.empty() ? std::string_view(offset_msg_id) : uniq;
}

const char* send_status_name(SendStatus status) {
  switch (status) {
    case SendStatus::send_ok: return "SEND_OK";
    case SendStatus::flush_disk_timeout: return "FLUSH_DISK_TIMEOUT";
    case SendStatus::flush_slave_timeout: return "FLUSH_SLAVE_TIMEOUT";
    case SendStatus::slave_not_available: return "SLAVE_NOT_AVAILABLE";
  }
  return "?";
}

const char* pull_status_name(PullStatus status) {
  switch (status) {
    case PullStatus::found: return "FOUND";
    case PullStatus::no_new_msg: return "NO_NEW_MSG";
    case PullStatus::no_matched_msg: return "NO_MATCHED_MSG";
    case PullStatus::offset_illegal: return "OFFSET_ILLEGAL";
  }
  return "?";
}

}  // namespace ringmq::client
