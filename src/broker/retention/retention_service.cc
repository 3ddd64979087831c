#include "broker/retention/retention_service.h"

#include <utility>

#include "base/log.h"
#include "base/log_limiter.h"
#include "broker/retention/disk_policy.h"
#include "store/file_util.h"

namespace ringmq::broker {

RetentionService::RetentionService(store::ShardStore& shard, unsigned core, const BrokerConfig& config,
                                   MeasureDisk measure)
    : shard_(shard), core_(core), config_(config), measure_(std::move(measure)) {}

RetentionService::RetentionService(store::ShardStore& shard, unsigned core, const BrokerConfig& config)
    : RetentionService(shard, core, config, [&config] { return store::disk_usage_ratio(config.store_dir); }) {}

void RetentionService::check(std::int64_t now_ms) {
  Result<double> usage = measure_();
  if (!usage.ok()) {
    static LogLimiter limiter;
    RINGMQ_LOG_LIMITED(limiter, log_warn, "shard {}: cannot measure the disk: {}", core_, usage.error().to_string());
    return;
  }
  refuse_or_accept_writes(*usage);
  run_retention(*usage, now_ms);
}

void RetentionService::refuse_or_accept_writes(double usage) {
  const double warning = config_.disk_warning_percent / 100.0;
  if (usage >= warning) {
    if (!shard_.writes_refused())
      log_error("shard {}: disk {:.1f}% used, at or above diskSpaceWarningLevelRatio {}%: refusing sends until space is back",
                core_, usage * 100, config_.disk_warning_percent);
    shard_.refuse_writes(disk_full_remark(usage));
  } else if (shard_.writes_refused()) {
    log_info("shard {}: disk {:.1f}% used, below diskSpaceWarningLevelRatio {}%: taking sends again", core_,
             usage * 100, config_.disk_warning_percent);
    shard_.accept_writes();
  }
}

void RetentionService::run_retention(double usage, std::int64_t now_ms) {
  store::RetentionInputs in{now_ms, is_delete_hour(config_.delete_when, now_ms), usage};
  const double forcibly = config_.disk_clean_forcibly_percent / 100.0;
  for (int pass = 0; pass < kForcedDeletionsPerCheckMax; ++pass) {
    Result<store::RetentionReport> r = shard_.run_retention(in);
    if (!r.ok()) {
      log_error("shard {}: retention failed: {}", core_, r.error().to_string());
      return;
    }
    // Only forcible deletion goes one segment per call; measure again and go on while it applies.
    if (r->segments_deleted == 0 || in.disk_usage_ratio < forcibly) return;
    Result<double> again = measure_();
    if (!again.ok()) return;
    in.disk_usage_ratio = *again;
  }
}

}  // namespace ringmq::broker
