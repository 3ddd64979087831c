// Disk space policy of one shard, on its core (disk_policy.h): refusing writes while the disk is
// full and running retention.
#include "base/clock.h"
#include "base/log.h"
#include "base/log_limiter.h"
#include "broker/broker_runtime.h"
#include "broker/disk_policy.h"
#include "store/file_util.h"

namespace ringmq::broker {

void BrokerRuntime::disk_check(CoreState& cs) {
  Result<double> usage = store::disk_usage_ratio(config_.store_dir);
  if (!usage.ok()) {
    static LogLimiter limiter;
    RINGMQ_LOG_LIMITED(limiter, log_warn, "shard {}: cannot measure the disk: {}", cs.core, usage.error().to_string());
    return;
  }
  const double warning = config_.disk_warning_percent / 100.0;
  if (*usage >= warning) {
    if (!cs.shard->writes_refused())
      log_error("shard {}: disk {:.1f}% used, at or above diskSpaceWarningLevelRatio {}%: refusing sends until space is back",
                cs.core, *usage * 100, config_.disk_warning_percent);
    cs.shard->refuse_writes(disk_full_remark(*usage));
  } else if (cs.shard->writes_refused()) {
    log_info("shard {}: disk {:.1f}% used, below diskSpaceWarningLevelRatio {}%: taking sends again", cs.core,
             *usage * 100, config_.disk_warning_percent);
    cs.shard->accept_writes();
  }
  store::RetentionInputs in{wall_clock_ms(), is_delete_hour(config_.delete_when, wall_clock_ms()), *usage};
  const double forcibly = config_.disk_clean_forcibly_percent / 100.0;
  for (int pass = 0; pass < kForcedDeletionsPerCheckMax; ++pass) {
    Result<store::RetentionReport> r = cs.shard->run_retention(in);
    if (!r.ok()) {
      log_error("shard {}: retention failed: {}", cs.core, r.error().to_string());
      return;
    }
    // Only forcible deletion goes one segment per call; measure again and go on while it applies.
    if (r->segments_deleted == 0 || in.disk_usage_ratio < forcibly) return;
    Result<double> again = store::disk_usage_ratio(config_.store_dir);
    if (!again.ok()) return;
    in.disk_usage_ratio = *again;
  }
}

}  // namespace ringmq::broker
