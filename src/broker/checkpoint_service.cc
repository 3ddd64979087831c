#include "broker/checkpoint_service.h"

#include "base/log.h"

namespace ringmq::broker {

void CheckpointService::run_round() {
  if (!round_.plan.empty()) return;  // the previous round is still at the disk
  shard_.begin_checkpoint(round_.plan);
  if (round_.plan.empty()) return;
  round_.start();
  if (feed_round(round_, kCheckpointFsyncsInFlightMax, reactor::FsyncLane::background,
                 [this](int result) { on_fsync(result); })) {
    finish_round();
  }
}

void CheckpointService::on_fsync(int result) {
  round_.completed(result);
  if (feed_round(round_, kCheckpointFsyncsInFlightMax, reactor::FsyncLane::background,
                 [this](int r) { on_fsync(r); })) {
    finish_round();
  }
}

void CheckpointService::finish_round() {
  if (auto st = shard_.complete_checkpoint(round_.plan, round_.result); !st.ok()) {
    log_error("shard {}: checkpoint failed: {}", core_, st.error().to_string());
  }
}

}  // namespace ringmq::broker
