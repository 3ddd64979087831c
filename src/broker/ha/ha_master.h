// HaMaster: the master side of replication (docs/ARCHITECTURE.md §10).
//
// Core 0 accepts slave connections on the HA port (haListenPort) and owns them; every other piece
// of a shard's replication lives on the shard's core, as the pull path splits its work:
//   core 0: decode frames; on hello check the shard count and hand the start to core s; on report
//           hand the confirmed offset to core s; write data frames (header + the batch's bytes
//           borrowed from the mapped segment, no copy) and ask core s for the next batch once the
//           kernel took the last one (one batch in flight per slave: TCP is the flow control);
//   core s: cut the next batch at record boundaries (at most kHaTransferBatchBytes, never across a
//           segment end) or park the request until the next append; keep each slave's confirmed
//           offset (ReplicaAcks); under SYNC_MASTER park sends until a slave confirmed them
//           (OffsetWaiters released by the best slave's confirmed offset): one confirmation
//           answers every send it covers.
// A frame that does not decode closes that connection only (and drops that slave's bookkeeping).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "broker/ha/ha_frame.h"
#include "broker/ha/replica_acks.h"
#include "reactor/reactor.h"
#include "store/commit_log.h"

namespace ringmq::broker {
class BrokerRuntime;
struct CoreState;
struct SendJob;
}  // namespace ringmq::broker

namespace ringmq::broker::ha {

// The next data frame for a slave: bytes [from, from + slice.size) of the master's log.
struct HaBatch {
  store::RecordSlice slice;
  std::int64_t from = 0;
  std::int64_t next = 0;  // where the following batch starts (the segment's end after a blank)
  bool blank_tail = false;
};

// Cuts the batch starting at `from` (a record boundary) out of `log`; nothing when `from` is the
// log's end. Errors when `from` is outside the log or the bytes there are not records.
Result<std::optional<HaBatch>> cut_batch(const store::CommitLog& log, std::int64_t from, std::size_t batch_bytes);

// Replication counters of one shard, for runtime info and metrics (read on the shard's core).
struct ShardReplicaInfo {
  std::size_t slaves = 0;
  std::int64_t fallbehind_bytes = 0;
  bool in_sync = false;
};

class HaMaster : public reactor::ConnectionHandler {
 public:
  explicit HaMaster(BrokerRuntime& rt);
  ~HaMaster() override;

  // Core 0: accept slaves on `listen_fd`.
  Status listen(reactor::Reactor& reactor, int listen_fd);
  // Core 0's stop hook: slaves are forgotten (the connections close with the reactor).
  void stop();

  // Core s, after any append to its shard: serve the slaves waiting for bytes (from a task on this
  // core, so one batch covers every append of this loop iteration).
  void on_appended(CoreState& cs);
  // Core s, SYNC_MASTER: answers `job` once a slave confirmed its records, FLUSH_SLAVE_TIMEOUT
  // after syncFlushTimeout, SLAVE_NOT_AVAILABLE at once when no slave is in sync.
  void wait_replica(CoreState& cs, std::unique_ptr<SendJob> job);
  // Core s: its replication state.
  ShardReplicaInfo info(CoreState& cs) const;
  // Core s's stop hook: parked sends cannot be answered any more.
  void drop_waiters(CoreState& cs);

  void on_open(reactor::Connection& conn) override;
  void on_data(reactor::Connection& conn, Bytes data) override;
  void on_close(reactor::Connection& conn, const Error& reason) override;

 private:
  struct Peer;
  struct Shard;
  void handle_frame(Peer& peer, reactor::Connection& conn, const HaFrame& f, Bytes body);
  void refuse(reactor::Connection& conn, const std::string& why);
  // Core 0: ask the shard's core for the peer's next batch (unless one is in flight).
  void request_batch(Peer& peer);
  // Core s.
  void start_on_shard(CoreState& cs, std::uint64_t peer, std::int64_t offset);
  void fetch_on_shard(CoreState& cs, std::uint64_t peer, std::int64_t from);
  void serve_parked(CoreState& cs);
  void confirm_on_shard(CoreState& cs, std::uint64_t peer, std::int64_t offset);
  void forget_on_shard(CoreState& cs, std::uint64_t peer);
  void answer_late(CoreState& cs);
  void check_lag(CoreState& cs);
  void arm_deadline(CoreState& cs);
  // Core 0.
  void deliver(std::uint64_t peer, std::unique_ptr<HaBatch> batch);
  void housekeeping();

  BrokerRuntime& rt_;
  reactor::Reactor* reactor0_ = nullptr;
  std::unordered_map<std::uint64_t, std::unique_ptr<Peer>> peers_;  // core 0, by connection id
  std::vector<std::unique_ptr<Shard>> shards_;                       // shards_[s]: core s only
  std::int64_t lag_check_due_ms_ = 0;                                // core 0
};

}  // namespace ringmq::broker::ha
