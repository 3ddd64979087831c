// VIEW_BROKER_STATS_DATA (AdminBrokerProcessor#ViewBrokerStatsData): one BrokerStatsManager item
// (TOPIC_PUT_NUMS/SIZE by topic, GROUP_GET_NUMS/SIZE by "topic@group", BROKER_PUT/GET_NUMS by
// cluster name) as its minute, hour and day windows, merged over the cores. An item no core has
// is SYSTEM_ERROR "The stats <name> <key> not exist", as in Java (mqadmin statsAll skips those).
#include <fmt/format.h>

#include <memory>
#include <string>

#include "base/json_writer.h"
#include "broker/processor/broker_processors.h"
#include "broker/broker_runtime.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

namespace rc = remoting::response_code;

namespace {

struct StatsGather {
  std::string name;
  std::string key;
  bool found = false;
  StatsSnapshot minute, hour, day;

  void merge(const StatsItem& item) {
    found = true;
    minute.merge(item.minute());
    hour.merge(item.hour());
    day.merge(item.day());
  }
  void merge_all(const StatsTable& table) {
    for (const auto& [k, item] : table.items()) merge(item);
  }
};

const StatsTable* table_of(const CoreStatsSet& set, std::string_view name) {
  if (name == kTopicPutNums) return &set.topic_put_nums;
  if (name == kTopicPutSize) return &set.topic_put_size;
  if (name == kGroupGetNums) return &set.group_get_nums;
  if (name == kGroupGetSize) return &set.group_get_size;
  return nullptr;
}

void gather(StatsGather& g, const CoreStatsSet& set, const std::string& cluster) {
  // BROKER_* items count the whole broker under its cluster name.
  if (g.name == kBrokerPutNums || g.name == kBrokerGetNums) {
    if (g.key != cluster) return;
    g.found = true;
    g.merge_all(g.name == kBrokerPutNums ? set.topic_put_nums : set.group_get_nums);
    return;
  }
  const StatsTable* table = table_of(set, g.name);
  if (table == nullptr) return;
  if (const StatsItem* item = table->find(g.key)) g.merge(*item);
}

void write_item(JsonWriter& w, std::string_view name, const StatsSnapshot& s) {
  w.key(name).begin_object().key("avgpt").value(s.avgpt()).key("sum").value(s.sum).key("tps").value(s.tps).end_object();
}

}  // namespace

void process_view_broker_stats_data(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto name = request.ext_fields.get_string("statsName");
  auto key = request.ext_fields.get_string("statsKey");
  if (!name.ok() || !key.ok()) {
    const Error& e = !name.ok() ? name.error() : key.error();
    return ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSystemError, e.to_string()));
  }
  auto g = std::make_shared<StatsGather>();
  g->name = std::string(*name);
  g->key = std::string(*key);
  visit_all_cores(
      ctx.rt, [g, &rt = ctx.rt](CoreState& cs) { gather(*g, cs.stats_set, rt.config().cluster_name); },
      [ctx, g] {
        if (!g->found) {
          return ctx.rt.reply(ctx.target, ctx.ref,
                              make_response(ctx.ref, rc::kSystemError,
                                            fmt::format("The stats <{}> <{}> not exist", g->name, g->key)));
        }
        JsonWriter w;
        w.begin_object();
        write_item(w, "statsDay", g->day);
        write_item(w, "statsHour", g->hour);
        write_item(w, "statsMinute", g->minute);
        w.end_object();
        auto response = make_response(ctx.ref, rc::kSuccess);
        response.body = w.take();
        ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
      });
}

}  // namespace ringmq::broker
