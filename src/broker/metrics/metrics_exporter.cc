#include "broker/metrics/metrics_exporter.h"

#include <fmt/format.h>
#include <time.h>

#include <map>
#include <memory>
#include <set>
#include <vector>

#include "broker/processor/broker_processors.h"
#include "broker/broker_runtime.h"
#include "broker/ha/ha_runtime_info.h"
#include "broker/offset/consumer_offset_manager.h"
#include "broker/longpolling/pull_request_hold_service.h"
#include "broker/queue_shard.h"
#include "reactor/reactor.h"
#include "store/file_util.h"

namespace ringmq::broker {

namespace {

struct Counters {
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
};

struct LagEntry {
  std::string topic;
  std::string group;
  std::int32_t queue_id = 0;
  std::int64_t committed = 0;
  std::int64_t max_offset = 0;
};

struct MetricsGather {
  std::map<std::string, Counters> put;                                   // by topic
  std::map<std::pair<std::string, std::string>, Counters> delivered;     // by (topic, group)
  std::vector<LagEntry> lag;
  std::uint64_t latency_buckets[kPutLatencyBuckets] = {};
  std::uint64_t latency_sum_us = 0;
  std::vector<std::size_t> connections;  // by core
  std::vector<std::size_t> held_pulls;   // by core
  std::int64_t commit_log_bytes = 0;
  std::int64_t unflushed_bytes = 0;
  std::uint64_t flush_disk_timeouts = 0;
  std::uint64_t flush_group_buckets[kFlushGroupBuckets] = {};
  std::uint64_t flush_group_sends = 0;
  std::vector<double> cpu_seconds;  // by core: the reactor thread's CPU time
  std::vector<double> busy_seconds;  // by core: reactor time not spent waiting for work
  std::vector<double> busy_ratio;    // by core: the same over the reactor's last window
  std::vector<std::uint64_t> idle_polls_caught;  // by core: idle polls (--idle-poll-us) that caught work
  std::vector<std::uint64_t> idle_poll_pauses;   // by core: times polling paused for a busy CPU
  LatencyHistogram pull_latency;
  LatencyHistogram flush_latency;
  ha::HaTotals ha;
};

// The named set of a label: the first `cap` values in name order; others become "other".
class LabelCap {
 public:
  LabelCap(const std::set<std::string>& values, std::size_t cap) {
    for (const auto& v : values) {
      if (kept_.size() == cap) break;
      kept_.insert(v);
    }
  }
  const std::string& operator()(const std::string& v) const { return kept_.count(v) ? v : other_; }

 private:
  std::set<std::string> kept_;
  std::string other_ = kMetricsOtherLabel;
};

std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void collect_core(MetricsGather& g, CoreState& cs, BrokerRuntime& rt) {
  for (const auto& [topic, item] : cs.stats_set.topic_put_nums.items()) g.put[topic].messages += item.value();
  for (const auto& [topic, item] : cs.stats_set.topic_put_size.items()) g.put[topic].bytes += item.value();
  auto split = [](const std::string& key) {
    const auto at = key.find('@');
    return at == std::string::npos ? std::pair{key, std::string()} : std::pair{key.substr(0, at), key.substr(at + 1)};
  };
  for (const auto& [key, item] : cs.stats_set.group_get_nums.items()) g.delivered[split(key)].messages += item.value();
  for (const auto& [key, item] : cs.stats_set.group_get_size.items()) g.delivered[split(key)].bytes += item.value();
  for (std::size_t i = 0; i < kPutLatencyBuckets; ++i) g.latency_buckets[i] += cs.stats.put_latency_buckets[i];
  g.latency_sum_us += cs.stats.put_latency_sum_us;
  g.flush_disk_timeouts += cs.stats.flush_disk_timeouts;
  for (std::size_t i = 0; i < kFlushGroupBuckets; ++i) g.flush_group_buckets[i] += cs.stats.flush_group_buckets[i];
  g.flush_group_sends += cs.stats.flush_group_sends;
  g.pull_latency.add(cs.stats.pull_latency);
  g.flush_latency.add(cs.stats.flush_latency);
  ha::collect_ha(g.ha, rt, cs);
  // This runs on the core's own thread, so the thread CPU clock is the reactor's.
  timespec cpu{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
  g.cpu_seconds.push_back(static_cast<double>(cpu.tv_sec) + static_cast<double>(cpu.tv_nsec) / 1e9);
  reactor::Reactor* reactor = reactor::Reactor::current();
  g.connections.push_back(reactor != nullptr ? reactor->connection_count() : 0);
  g.busy_seconds.push_back(reactor != nullptr ? static_cast<double>(reactor->busy_ns()) / 1e9 : 0.0);
  g.busy_ratio.push_back(reactor != nullptr ? reactor->stats().busy_ratio : 0.0);
  g.idle_polls_caught.push_back(reactor != nullptr ? reactor->stats().idle_polls_caught : 0);
  g.idle_poll_pauses.push_back(reactor != nullptr ? reactor->stats().idle_poll_pauses : 0);
  g.held_pulls.push_back(cs.holds ? cs.holds->held() : 0);
  const auto& log = cs.shard->commit_log();
  g.commit_log_bytes += log.write_offset().value - log.min_offset().value;
  g.unflushed_bytes += log.write_offset().value - log.durable_offset().value;
  for (LagEntry& e : g.lag) {
    if (shard_of_queue(e.topic, e.queue_id, rt.core_count()).value != cs.core) continue;
    e.max_offset = cs.shard->max_offset(e.topic, store::QueueId{e.queue_id}).value;
  }
}

void render_traffic(std::string& out, const MetricsGather& g) {
  std::set<std::string> topics, groups;
  for (const auto& [t, c] : g.put) topics.insert(t);
  for (const auto& [k, c] : g.delivered) {
    topics.insert(k.first);
    groups.insert(k.second);
  }
  for (const auto& e : g.lag) {
    topics.insert(e.topic);
    groups.insert(e.group);
  }
  const LabelCap topic(topics, kMetricsTopicsMax);
  const LabelCap group(groups, kMetricsGroupsMax);
  std::map<std::string, Counters> put;
  for (const auto& [t, c] : g.put) {
    put[topic(t)].messages += c.messages;
    put[topic(t)].bytes += c.bytes;
  }
  family(out, "ringmq_messages_put_total", "counter", "Messages stored from SEND requests, per topic.");
  for (const auto& [t, c] : put) out += fmt::format("ringmq_messages_put_total{{topic=\"{}\"}} {}\n", escape_label(t), c.messages);
  family(out, "ringmq_put_bytes_total", "counter", "Bytes stored from SEND requests (whole records), per topic.");
  for (const auto& [t, c] : put) out += fmt::format("ringmq_put_bytes_total{{topic=\"{}\"}} {}\n", escape_label(t), c.bytes);
  std::map<std::pair<std::string, std::string>, Counters> delivered;
  for (const auto& [k, c] : g.delivered) {
    auto& d = delivered[{topic(k.first), group(k.second)}];
    d.messages += c.messages;
    d.bytes += c.bytes;
  }
  family(out, "ringmq_messages_delivered_total", "counter", "Messages returned by PULL requests, per topic and group.");
  for (const auto& [k, c] : delivered) {
    out += fmt::format("ringmq_messages_delivered_total{{topic=\"{}\",group=\"{}\"}} {}\n", escape_label(k.first),
                       escape_label(k.second), c.messages);
  }
  family(out, "ringmq_delivered_bytes_total", "counter", "Bytes returned by PULL requests, per topic and group.");
  for (const auto& [k, c] : delivered) {
    out += fmt::format("ringmq_delivered_bytes_total{{topic=\"{}\",group=\"{}\"}} {}\n", escape_label(k.first),
                       escape_label(k.second), c.bytes);
  }
  // Lag per queue for named topics and groups; what falls under "other" is summed per queue "all".
  std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> lag;
  for (const auto& e : g.lag) {
    const std::string& t = topic(e.topic);
    const std::string& gr = group(e.group);
    const bool named = t != kMetricsOtherLabel && gr != kMetricsOtherLabel;
    lag[{gr, t, named ? std::to_string(e.queue_id) : std::string("all")}] += std::max<std::int64_t>(0, e.max_offset - e.committed);
  }
  family(out, "ringmq_consumer_lag_messages", "gauge",
         "Messages stored but not yet committed by the group (max offset - committed offset), per queue.");
  for (const auto& [k, v] : lag) {
    out += fmt::format("ringmq_consumer_lag_messages{{group=\"{}\",topic=\"{}\",queue=\"{}\"}} {}\n",
                       escape_label(std::get<0>(k)), escape_label(std::get<1>(k)), std::get<2>(k), v);
  }
}

void render_histogram(std::string& out, std::string_view name, std::string_view help, const LatencyHistogram& h) {
  family(out, name, "histogram", help);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLatencyBucketBounds; ++i) {
    cumulative += h.buckets[i];
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, static_cast<double>(kLatencyBoundsUs[i]) / 1e6, cumulative);
  }
  cumulative += h.buckets[kLatencyBucketBounds];
  out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, cumulative);
  out += fmt::format("{}_sum {}\n", name, static_cast<double>(h.sum_us) / 1e6);
  out += fmt::format("{}_count {}\n", name, cumulative);
}

void render_reactors(std::string& out, const MetricsGather& g) {
  family(out, "ringmq_reactor_cpu_seconds_total", "counter",
         "CPU time of each core's reactor thread (includes its short idle spins).");
  for (std::size_t c = 0; c < g.cpu_seconds.size(); ++c) {
    out += fmt::format("ringmq_reactor_cpu_seconds_total{{core=\"{}\"}} {:.6f}\n", c, g.cpu_seconds[c]);
  }
  family(out, "ringmq_reactor_busy_seconds_total", "counter",
         "Time each core's reactor loop spent working: not blocked in io_uring_enter nor spinning for tasks.");
  for (std::size_t c = 0; c < g.busy_seconds.size(); ++c) {
    out += fmt::format("ringmq_reactor_busy_seconds_total{{core=\"{}\"}} {:.6f}\n", c, g.busy_seconds[c]);
  }
  family(out, "ringmq_reactor_busy_ratio", "gauge",
         "Share of the reactor's last 1 s window spent working rather than waiting, measured by the reactor.");
  for (std::size_t c = 0; c < g.busy_ratio.size(); ++c) {
    out += fmt::format("ringmq_reactor_busy_ratio{{core=\"{}\"}} {:.6f}\n", c, g.busy_ratio[c]);
  }
  family(out, "ringmq_reactor_idle_polls_caught_total", "counter",
         "Idle polls (--idle-poll-us) that found work before the core went to sleep.");
  for (std::size_t c = 0; c < g.idle_polls_caught.size(); ++c) {
    out += fmt::format("ringmq_reactor_idle_polls_caught_total{{core=\"{}\"}} {}\n", c, g.idle_polls_caught[c]);
  }
  family(out, "ringmq_reactor_idle_poll_pauses_total", "counter",
         "Times a core paused idle polling because its thread was preempted often: other threads wanted the CPU.");
  for (std::size_t c = 0; c < g.idle_poll_pauses.size(); ++c) {
    out += fmt::format("ringmq_reactor_idle_poll_pauses_total{{core=\"{}\"}} {}\n", c, g.idle_poll_pauses[c]);
  }
}

void render_broker(std::string& out, const MetricsGather& g, const BrokerRuntime& rt) {
  family(out, "ringmq_send_store_latency_seconds", "histogram",
         "Time a SEND spends storing its message(s) on the owning core (putMessageDistributeTime buckets).");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i + 1 < kPutLatencyBuckets; ++i) {
    cumulative += g.latency_buckets[i];
    // Bucket 0 is "under 1 ms"; bucket i >= 1 ends below kPutLatencyBoundsMs[i].
    const double le_seconds = i == 0 ? 0.001 : static_cast<double>(kPutLatencyBoundsMs[i]) / 1000.0;
    out += fmt::format("ringmq_send_store_latency_seconds_bucket{{le=\"{}\"}} {}\n", le_seconds, cumulative);
  }
  cumulative += g.latency_buckets[kPutLatencyBuckets - 1];
  out += fmt::format("ringmq_send_store_latency_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  out += fmt::format("ringmq_send_store_latency_seconds_sum {}\n", static_cast<double>(g.latency_sum_us) / 1e6);
  out += fmt::format("ringmq_send_store_latency_seconds_count {}\n", cumulative);
  family(out, "ringmq_sync_flush_group_sends", "histogram",
         "Sync sends made durable by one CommitLog flush round (group commit size).");
  cumulative = 0;
  for (std::size_t i = 0; i + 1 < kFlushGroupBuckets; ++i) {
    cumulative += g.flush_group_buckets[i];
    out += fmt::format("ringmq_sync_flush_group_sends_bucket{{le=\"{}\"}} {}\n", kFlushGroupBounds[i], cumulative);
  }
  cumulative += g.flush_group_buckets[kFlushGroupBuckets - 1];
  out += fmt::format("ringmq_sync_flush_group_sends_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  out += fmt::format("ringmq_sync_flush_group_sends_sum {}\n", g.flush_group_sends);
  out += fmt::format("ringmq_sync_flush_group_sends_count {}\n", cumulative);
  family(out, "ringmq_sync_flush_timeouts_total", "counter", "Sync sends answered FLUSH_DISK_TIMEOUT.");
  out += fmt::format("ringmq_sync_flush_timeouts_total {}\n", g.flush_disk_timeouts);
  render_histogram(out, "ringmq_pull_latency_seconds",
                   "PULL requests from arrival (or wake-up from a long poll) to the reply handed to the connection.",
                   g.pull_latency);
  render_histogram(out, "ringmq_flush_latency_seconds",
                   "CommitLog flush rounds on each core, from the first fdatasync submitted to the last completed.",
                   g.flush_latency);
  render_reactors(out, g);
  family(out, "ringmq_connections", "gauge", "Open TCP connections, per core.");
  for (std::size_t c = 0; c < g.connections.size(); ++c) out += fmt::format("ringmq_connections{{core=\"{}\"}} {}\n", c, g.connections[c]);
  family(out, "ringmq_held_pulls", "gauge", "PULL requests parked by long polling, per core.");
  for (std::size_t c = 0; c < g.held_pulls.size(); ++c) out += fmt::format("ringmq_held_pulls{{core=\"{}\"}} {}\n", c, g.held_pulls[c]);
  family(out, "ringmq_commitlog_bytes", "gauge", "Bytes of CommitLog kept, over every shard.");
  out += fmt::format("ringmq_commitlog_bytes {}\n", g.commit_log_bytes);
  family(out, "ringmq_commitlog_unflushed_bytes", "gauge", "CommitLog bytes written but not yet durable.");
  out += fmt::format("ringmq_commitlog_unflushed_bytes {}\n", g.unflushed_bytes);
  // The ratio the broker acts on (RetentionService, broker/retention), not a second formula.
  const Result<double> disk = store::disk_usage_ratio(rt.config().store_dir);
  const double ratio = disk.ok() ? *disk : 0.0;
  family(out, "ringmq_disk_used_ratio", "gauge", "Used fraction of the store's file system (commitLogDiskRatio).");
  out += fmt::format("ringmq_disk_used_ratio {}\n", ratio);
  family(out, "ringmq_disk_max_used_ratio", "gauge", "diskMaxUsedSpaceRatio: above it the broker deletes or refuses.");
  out += fmt::format("ringmq_disk_max_used_ratio {}\n", rt.config().disk_max_used_percent / 100.0);
  family(out, "ringmq_replication_lag_bytes", "gauge",
         "Master: CommitLog bytes the best slave lacks; slave: bytes behind the master (summed over shards).");
  out += fmt::format("ringmq_replication_lag_bytes {}\n", g.ha.fallbehind_bytes);
  family(out, "ringmq_broker_info", "gauge", "Constant 1, labelled with the broker's identity.");
  out += fmt::format("ringmq_broker_info{{cluster=\"{}\",broker=\"{}\",broker_id=\"{}\",version=\"V4_9_4\"}} 1\n",
                     escape_label(rt.config().cluster_name), escape_label(rt.config().broker_name), rt.config().broker_id);
}

}  // namespace

void render_metrics(BrokerRuntime& rt, std::function<void(std::string)> done) {
  auto g = std::make_shared<MetricsGather>();
  // Core 0 owns the offsets; the max offsets come from each queue's core.
  for (const auto& [key, queues] : rt.offsets().table().offsets) {
    const auto at = key.find('@');
    if (at == std::string::npos) continue;
    for (const auto& [queue, committed] : queues) {
      g->lag.push_back(LagEntry{key.substr(0, at), key.substr(at + 1), queue, committed, 0});
    }
  }
  visit_all_cores(
      rt, [g, &rt](CoreState& cs) { collect_core(*g, cs, rt); },
      [g, &rt, done = std::move(done)] {
        rt.run_on(0, [g, &rt, done] {
          std::string out;
          render_traffic(out, *g);
          render_broker(out, *g, rt);
          done(std::move(out));
        });
      });
}

}  // namespace ringmq::broker
