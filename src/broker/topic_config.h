// Topic configuration values and the immutable snapshot every core reads (ROCKETMQ-PROTOCOL.md
// §3.2 perm bits, §7.1). The stored shape is store::TopicConfig (config/topics.json).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "store/metadata.h"

namespace ringmq::broker {

using store::DataVersion;
using store::TopicConfig;

namespace perm {
inline constexpr std::int32_t kPriority = 0x8;
inline constexpr std::int32_t kRead = 0x4;
inline constexpr std::int32_t kWrite = 0x2;
inline constexpr std::int32_t kInherit = 0x1;
inline constexpr bool is_readable(std::int32_t p) { return (p & kRead) != 0; }
inline constexpr bool is_writeable(std::int32_t p) { return (p & kWrite) != 0; }
inline constexpr bool is_inherited(std::int32_t p) { return (p & kInherit) != 0; }
}  // namespace perm

inline constexpr std::string_view kMultiTagFilterType = "MULTI_TAG";
inline constexpr std::string_view kSingleTagFilterType = "SINGLE_TAG";

// An immutable view of every topic. Core 0 (which owns TopicConfigManager) builds a new one on
// each change and hands a shared_ptr to every core; readers never lock.
struct TopicSnapshot {
  DataVersion data_version;
  std::map<std::string, TopicConfig, std::less<>> topics;

  const TopicConfig* find(std::string_view topic) const {
    auto it = topics.find(topic);
    return it == topics.end() ? nullptr : &it->second;
  }
};
using TopicSnapshotPtr = std::shared_ptr<const TopicSnapshot>;

// Queue count a send may address: Java checks queueId against max(read, write).
inline std::int32_t queue_count_of(const TopicConfig& c) {
  return c.read_queue_nums > c.write_queue_nums ? c.read_queue_nums : c.write_queue_nums;
}

}  // namespace ringmq::broker
