// Topic and group name rules and the well-known system names (docs/PROTOCOL.md §4.7;
// TopicValidator.java, Validators.java, MixAll.java).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmq::remoting {

inline constexpr std::size_t kTopicNameCharsMax = 127;
// 5.x lets retry and DLQ topics be longer (their names embed a group of up to 255 chars).
inline constexpr std::size_t kRetryOrDlqTopicNameCharsMax = 255;
inline constexpr std::size_t kGroupNameCharsMax = 255;

inline constexpr std::string_view kRetryGroupTopicPrefix = "%RETRY%";
inline constexpr std::string_view kDlqGroupTopicPrefix = "%DLQ%";

namespace system_topic {
inline constexpr std::string_view kAutoCreateTopicKey = "TBW102";
inline constexpr std::string_view kSchedule = "SCHEDULE_TOPIC_XXXX";
inline constexpr std::string_view kBenchmark = "BenchmarkTest";
inline constexpr std::string_view kTransHalf = "RMQ_SYS_TRANS_HALF_TOPIC";
inline constexpr std::string_view kTrace = "RMQ_SYS_TRACE_TOPIC";
inline constexpr std::string_view kTransOpHalf = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
inline constexpr std::string_view kTransCheckMaxTime = "TRANS_CHECK_MAX_TIME_TOPIC";
inline constexpr std::string_view kSelfTest = "SELF_TEST_TOPIC";
inline constexpr std::string_view kOffsetMovedEvent = "OFFSET_MOVED_EVENT";
inline constexpr std::string_view kSystemTopicPrefix = "rmq_sys_";
inline constexpr std::string_view kReplyTopicSuffix = "_REPLY_TOPIC";
}  // namespace system_topic

// Only [%|a-zA-Z0-9_-], at least one character.
bool has_only_legal_name_chars(std::string_view name);

// TopicValidator#validateTopic. invalid_argument with Java's remark text as the detail, so the
// broker can answer with it (5.x: INVALID_PARAMETER, 4.9: SYSTEM_ERROR).
Status validate_topic(std::string_view topic);
// Validators#checkGroup: same characters, at most 255.
Status validate_group(std::string_view group);

// Topics producers may not send to (answer NO_PERMISSION).
bool is_not_allowed_send_topic(std::string_view topic);
// TopicValidator#isSystemTopic: the fixed set or the rmq_sys_ prefix.
bool is_system_topic(std::string_view topic);

inline bool is_retry_topic(std::string_view topic) { return topic.starts_with(kRetryGroupTopicPrefix); }
inline bool is_dlq_topic(std::string_view topic) { return topic.starts_with(kDlqGroupTopicPrefix); }
inline std::string retry_topic(std::string_view group) { return std::string(kRetryGroupTopicPrefix).append(group); }
inline std::string dlq_topic(std::string_view group) { return std::string(kDlqGroupTopicPrefix).append(group); }

}  // namespace ringmq::remoting
