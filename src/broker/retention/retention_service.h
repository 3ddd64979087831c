// RetentionService: one shard's disk space policy, on its core (RocketMQ DefaultMessageStore's
// CleanCommitLogService and its disk-full flag; the rules are in disk_policy.h). Each check():
// - measures the disk holding the store;
// - refuses the shard's writes from diskSpaceWarningLevelRatio on, and takes them again below it;
// - runs retention: expired segments at the deleteWhen hours or from diskMaxUsedSpaceRatio on;
//   from diskSpaceCleanForciblyRatio on the oldest go one at a time, measuring after each, at
//   most kForcedDeletionsPerCheckMax per check.
// Ownership and lifetime: one per core, in its CoreState, run only on that core; BrokerRuntime
// makes it when the core starts, arms its timer (kDiskCheckIntervalMs) and runs the first check
// at once, so a disk already full refuses the first send. It lives until the shard is dropped.
#pragma once

#include <cstdint>
#include <functional>

#include "base/result.h"
#include "broker/broker_config.h"
#include "store/shard_store.h"

namespace ringmq::broker {

class RetentionService {
 public:
  // The used fraction (0..1) of the file system holding the store.
  using MeasureDisk = std::function<Result<double>()>;

  // `config` is read on every check and must outlive the service.
  RetentionService(store::ShardStore& shard, unsigned core, const BrokerConfig& config, MeasureDisk measure);
  // The measure of the file system holding config.store_dir (store::disk_usage_ratio).
  RetentionService(store::ShardStore& shard, unsigned core, const BrokerConfig& config);

  // One timer tick at wall-clock time `now_ms`.
  void check(std::int64_t now_ms);

 private:
  void refuse_or_accept_writes(double usage);
  void run_retention(double usage, std::int64_t now_ms);

  store::ShardStore& shard_;
  unsigned core_;
  const BrokerConfig& config_;
  MeasureDisk measure_;
};

}  // namespace ringmq::broker
