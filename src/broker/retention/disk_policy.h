// The broker's disk space policy (RocketMQ's CleanCommitLogService and disk-full flag), run by
// every core for its shard on a timer (RetentionService, retention_service.h):
// - usage >= diskSpaceWarningLevelRatio: the shard refuses writes (sends are answered
//   SERVICE_NOT_AVAILABLE with disk_full_remark()) until usage drops below it again; pulls,
//   queries and admin go on;
// - retention: expired segments go at the deleteWhen hours, or at any hour from
//   diskMaxUsedSpaceRatio on; from diskSpaceCleanForciblyRatio on the oldest go even if young, one
//   at a time with the disk measured again after each (ShardStore::run_retention).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmq::broker {

// How often each core measures the disk and runs retention (RocketMQ: cleanResourceInterval,
// 10 s; shorter here so a filling disk is noticed before it is full).
inline constexpr std::int64_t kDiskCheckIntervalMs = 1000;
// Forcible deletions one check may make, measuring the disk after each (RocketMQ deletes up to 10
// files per pass).
inline constexpr int kForcedDeletionsPerCheckMax = 10;

// Whether the local hour of `wall_ms` is one of deleteWhen's ("04", "04;16"; validated at
// startup, anything unparsable never matches).
bool is_delete_hour(std::string_view delete_when, std::int64_t wall_ms);

// RocketMQ's remark for a send refused because the store is not writable (disk full), with its
// diskUtil() figures (ratios 0..1 of the disk holding the store).
std::string disk_full_remark(double usage_ratio);
// The remark of a send the store failed for lack of space (Errc::no_space): the refusal's own
// remark, or RocketMQ's words followed by what failed (a full disk met by fallocate, a segment
// not created).
std::string no_space_remark(const Error& e);

}  // namespace ringmq::broker
