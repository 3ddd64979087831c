// Range checks of every BrokerConfig value the broker or its store would otherwise assert on (or
// misbehave with), run once flags and broker.conf are read. A bad value is refused with a message
// naming its broker.conf key, its flag, the value and the allowed range; the CLI exits 2.
#pragma once

#include <cstdint>

#include "base/result.h"
#include "broker/broker_config.h"

namespace ringmq::cli {

// Limits of the checked values (named so tests and messages agree).
inline constexpr std::int64_t kSegmentBytesMin = 64 * 1024;
// Java's mapedFileSizeCommitLog is an int; the store keeps in-segment positions in 32 bits.
inline constexpr std::int64_t kSegmentBytesMax = 2'147'483'647;
// Room a segment must leave beside the largest body for the record's headers.
inline constexpr std::int64_t kRecordOverheadBytesMin = 1024;
// pageCacheKeepMb: up to 16 TiB per shard (0 = no dropping).
inline constexpr std::int64_t kPageCacheKeepMbMax = std::int64_t{1} << 24;
inline constexpr std::int64_t kMessageBytesLimit = 256 * 1024 * 1024;
inline constexpr std::int64_t kRetentionHoursMax = 24 * 365 * 10;
inline constexpr std::int64_t kDiskRatioMin = 10;  // RocketMQ clamps diskMaxUsedSpaceRatio to [10, 95]
inline constexpr std::int64_t kDiskRatioMax = 95;
inline constexpr std::int64_t kDiskWarningRatioMax = 99;
inline constexpr std::int64_t kIntervalMsMax = 24LL * 3600 * 1000;
inline constexpr std::int64_t kQueueNumsMax = 1024;

// Ok, or Errc::invalid_argument with "key (--flag) = value: ..." for the first bad value.
Status validate_broker_config(const broker::BrokerConfig& c);

}  // namespace ringmq::cli
