// Replication state for GET_BROKER_RUNTIME_INFO (mqadmin brokerStatus) and /metrics. RocketMQ
// 4.9.4's runtime table has no HA keys (5.x moved them to GET_BROKER_HA_STATUS), so these are
// ringmq's, named after the 4.9 settings they relate to:
//   master: haConnectedSlaves (slaves connected on every shard), haInSync (some slave within
//           haSlaveFallbehindMax on every shard), haSlaveFallbehind (bytes the best slave lacks,
//           summed over shards), haSlaveFallbehindMax;
//   slave:  haMasterAddress, haConnected (every shard connected), haSlaveFallbehind (bytes behind
//           the master's log end as last heard of, summed over shards).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ringmq::broker {
class BrokerRuntime;
struct CoreState;
}  // namespace ringmq::broker

namespace ringmq::broker::ha {

struct HaTotals {
  std::size_t shards = 0;
  std::size_t min_slaves = SIZE_MAX;  // master: fewest slaves on any shard
  std::size_t shards_ok = 0;          // master: shards in sync; slave: shards connected
  std::int64_t fallbehind_bytes = 0;
  std::string master_address;         // slave
};

// On core cs.core: adds that shard's replication state.
void collect_ha(HaTotals& t, BrokerRuntime& rt, CoreState& cs);
// The runtime-info keys above.
void append_ha_runtime_info(std::vector<std::pair<std::string, std::string>>& table, BrokerRuntime& rt, const HaTotals& t);

}  // namespace ringmq::broker::ha
