// HaSlave: the slave side of replication for one shard, on the shard's core (docs/ARCHITECTURE.md
// §10). It connects to the master's HA port (haMasterAddress, else the haServerAddr the NameServer
// returned at registration), says hello with its shard, the shard count and its log end (or
// "empty"), then appends every data frame to its ShardStore with append_replicated (CommitLog
// bytes verbatim, ConsumeQueue and index in the same step), wakes the pulls parked on the queues
// it touched, and reports its new log end at once. With nothing to report it still reports every
// kHaHeartbeatIntervalMs. A closed or failed connection is retried every kHaReconnectMs; the next
// hello resumes from the slave's own log end, so nothing is skipped or written twice.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "broker/ha/ha_frame.h"
#include "reactor/reactor.h"

namespace ringmq::broker {
class BrokerRuntime;
struct CoreState;
}  // namespace ringmq::broker

namespace ringmq::broker::ha {

class HaSlave : public reactor::ConnectionHandler {
 public:
  HaSlave(BrokerRuntime& rt, CoreState& cs);
  ~HaSlave() override;

  // On the core: start the reconnect/report timer.
  void start(reactor::Reactor& reactor);
  // On the core: the master's HA address ("host:port"); a change drops the current connection.
  void set_master(const std::string& address);
  // On the core, stop hook: no reconnects from now on.
  void stop() { stopped_ = true; }

  bool connected() const { return connection_.valid(); }
  // The master's log end as last heard of (data or heartbeat), -1 before that.
  std::int64_t master_offset() const { return master_offset_; }
  const std::string& master_address() const { return master_; }

  void on_open(reactor::Connection& conn) override;
  void on_data(reactor::Connection& conn, Bytes data) override;
  void on_close(reactor::Connection& conn, const Error& reason) override;

 private:
  void tick();
  void connect();
  // Appends a data frame; false when the connection must close.
  bool apply(reactor::Connection& conn, const HaFrame& f, Bytes body);
  void report(reactor::Connection& conn);

  BrokerRuntime& rt_;
  CoreState& cs_;
  reactor::Reactor* reactor_ = nullptr;
  std::string master_;
  reactor::ConnectionId connection_;
  bool connecting_ = false;
  bool stopped_ = false;
  HaFrameReader reader_;
  std::int64_t last_recv_ms_ = 0;
  std::int64_t last_report_ms_ = 0;
  std::int64_t reported_ = -1;
  std::int64_t master_offset_ = -1;
  std::int64_t next_connect_ms_ = 0;
};

}  // namespace ringmq::broker::ha
