// Constants of RocketMQ's data model shared by NameServer, broker and client (docs/PROTOCOL.md
// §3.2): PermName bits, TopicSysFlag bits, TopicFilterType names and MixAll.MASTER_ID.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringmq::protocol {

// brokerId of a master (MixAll.MASTER_ID); slaves have ids > 0.
inline constexpr std::int64_t kMasterId = 0;

// Permission bits of a topic on a broker (PermName).
namespace perm {
inline constexpr std::int32_t kPriority = 0x8;
inline constexpr std::int32_t kRead = 0x4;
inline constexpr std::int32_t kWrite = 0x2;
inline constexpr std::int32_t kInherit = 0x1;
inline constexpr std::int32_t kReadWrite = kRead | kWrite;
inline constexpr bool is_readable(std::int32_t p) { return (p & kRead) != 0; }
inline constexpr bool is_writeable(std::int32_t p) { return (p & kWrite) != 0; }
inline constexpr bool is_inherited(std::int32_t p) { return (p & kInherit) != 0; }
}  // namespace perm

// TopicSysFlag bits.
inline constexpr std::int32_t kTopicSysFlagUnit = 1;
inline constexpr std::int32_t kTopicSysFlagUnitSub = 2;

// TopicFilterType names.
inline constexpr std::string_view kSingleTagFilterType = "SINGLE_TAG";
inline constexpr std::string_view kMultiTagFilterType = "MULTI_TAG";

}  // namespace ringmq::protocol
