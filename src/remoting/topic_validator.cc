#include "remoting/topic_validator.h"

#include <fmt/format.h>

namespace ringmq::remoting {
namespace {

bool legal_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '%' ||
         c == '|' || c == '_' || c == '-';
}

constexpr std::string_view kNotAllowedSendTopics[] = {
    system_topic::kSchedule,           system_topic::kTransHalf, system_topic::kTransOpHalf,
    system_topic::kTransCheckMaxTime, system_topic::kSelfTest,  system_topic::kOffsetMovedEvent,
};

constexpr std::string_view kSystemTopics[] = {
    system_topic::kAutoCreateTopicKey, system_topic::kSchedule,    system_topic::kBenchmark,
    system_topic::kTransHalf,          system_topic::kTrace,       system_topic::kTransOpHalf,
    system_topic::kTransCheckMaxTime,  system_topic::kSelfTest,    system_topic::kOffsetMovedEvent,
};

template <std::size_t N>
bool contains(const std::string_view (&set)[N], std::string_view name) {
  for (const auto& s : set) {
    if (s == name) return true;
  }
  return false;
}

}  // namespace

bool has_only_legal_name_chars(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    if (!legal_name_char(c)) return false;
  }
  return true;
}

Status validate_topic(std::string_view topic) {
  if (topic.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos) {
    return make_error(Errc::invalid_argument, "The specified topic is blank.");
  }
  if (!has_only_legal_name_chars(topic)) {
    return make_error(Errc::invalid_argument,
                      "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$");
  }
  const std::size_t max = (is_retry_topic(topic) || is_dlq_topic(topic)) ? kRetryOrDlqTopicNameCharsMax
                                                                        : kTopicNameCharsMax;
  if (topic.size() > max) {
    return make_error(Errc::invalid_argument,
                      fmt::format("The specified topic is longer than topic max length {}.", max));
  }
  return {};
}

Status validate_group(std::string_view group) {
  if (group.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos) {
    return make_error(Errc::invalid_argument, "the specified group is blank");
  }
  if (!has_only_legal_name_chars(group)) {
    return make_error(Errc::invalid_argument,
                      "the specified group contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$");
  }
  if (group.size() > kGroupNameCharsMax) {
    return make_error(Errc::invalid_argument, "the specified group is longer than group max length 255.");
  }
  return {};
}

bool is_not_allowed_send_topic(std::string_view topic) { return contains(kNotAllowedSendTopics, topic); }

bool is_system_topic(std::string_view topic) {
  return contains(kSystemTopics, topic) || topic.starts_with(system_topic::kSystemTopicPrefix);
}

}  // namespace ringmq::remoting
