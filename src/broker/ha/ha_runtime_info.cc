#include "broker/ha/ha_runtime_info.h"

#include <fmt/format.h>

#include <algorithm>

#include "broker/broker_runtime.h"
#include "broker/ha/ha_service.h"

namespace ringmq::broker::ha {

void collect_ha(HaTotals& t, BrokerRuntime& rt, CoreState& cs) {
  HaService* ha = rt.ha();
  if (ha == nullptr) return;
  ++t.shards;
  if (HaMaster* m = ha->master()) {
    const ShardReplicaInfo info = m->info(cs);
    t.min_slaves = std::min(t.min_slaves, info.slaves);
    if (info.in_sync) ++t.shards_ok;
    t.fallbehind_bytes += info.fallbehind_bytes;
  } else if (HaSlave* s = ha->slave(cs.core)) {
    if (s->connected()) ++t.shards_ok;
    const std::int64_t mine = cs.shard->commit_log().write_offset().value;
    t.fallbehind_bytes += std::max<std::int64_t>(0, s->master_offset() - mine);
    t.master_address = s->master_address();
  }
}

void append_ha_runtime_info(std::vector<std::pair<std::string, std::string>>& table, BrokerRuntime& rt, const HaTotals& t) {
  HaService* ha = rt.ha();
  if (ha == nullptr || t.shards == 0) return;
  const auto yes = [](bool b) { return std::string(b ? "true" : "false"); };
  if (ha->is_slave()) {
    table.emplace_back("haMasterAddress", t.master_address);
    table.emplace_back("haConnected", yes(t.shards_ok == t.shards));
  } else {
    table.emplace_back("haConnectedSlaves", fmt::format("{}", t.min_slaves == SIZE_MAX ? 0 : t.min_slaves));
    table.emplace_back("haInSync", yes(t.shards_ok == t.shards));
    table.emplace_back("haSlaveFallbehindMax", fmt::format("{}", rt.config().ha_slave_fallbehind_max));
  }
  table.emplace_back("haSlaveFallbehind", fmt::format("{}", t.fallbehind_bytes));
}

}  // namespace ringmq::broker::ha
