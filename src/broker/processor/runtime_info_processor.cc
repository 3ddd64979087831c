// GET_BROKER_RUNTIME_INFO (docs/PROTOCOL.md §7.4): the KVTable mqadmin's clusterList and
// brokerStatus, rocketmq-exporter and the dashboard read, with the keys and value formats of
// AdminBrokerProcessor#prepareRuntimeInfo and StoreStatsService#getRuntimeInfo in 4.9.4. Values
// that describe Java thread pools ringmq does not have (queue sizes, head wait times) are 0: no
// request ever waits in such a queue here.
#include <fmt/format.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "base/clock.h"
#include "broker/broker_bodies.h"
#include "broker/processor/broker_processors.h"
#include "broker/broker_runtime.h"
#include "broker/ha/ha_runtime_info.h"
#include "broker/queue_shard.h"
#include "remoting/response_code.h"
#include "store/file_util.h"
#include "store/record_format.h"

namespace ringmq::broker {

namespace rc = remoting::response_code;

namespace {

struct RuntimeTotals {
  CoreStats stats;
  std::int64_t commit_log_min = INT64_MAX;
  std::int64_t commit_log_max = 0;
  std::int64_t unflushed_bytes = 0;
  std::int64_t earliest_ms = INT64_MAX;
  TpsTriple put, get_found, get_miss, get_transferred;
  std::uint64_t put_morning[2] = {0, 0};
  std::uint64_t get_morning[2] = {0, 0};
  ha::HaTotals ha;
  std::uint64_t unsupported_requests = 0;
};

void add(TpsTriple& into, const TpsTriple& t) {
  into.seconds_10 += t.seconds_10;
  into.seconds_60 += t.seconds_60;
  into.seconds_600 += t.seconds_600;
}

// StoreStatsService prints each TPS with Double.toString, space-separated.
std::string tps_text(const TpsTriple& t) {
  return java_double_text(t.seconds_10) + " " + java_double_text(t.seconds_60) + " " + java_double_text(t.seconds_600);
}

TpsTriple sum_triples(const TpsTriple& a, const TpsTriple& b) {
  TpsTriple t = a;
  add(t, b);
  return t;
}

// MixAll.humanReadableByteCount(bytes, false): "512 B", "1.5 KiB", "3.0 GiB".
std::string human_bytes(std::int64_t bytes) {
  constexpr double kUnit = 1024;
  if (bytes < 1024) return fmt::format("{} B", bytes);
  const int exp = std::min(6, static_cast<int>(std::log(static_cast<double>(bytes)) / std::log(kUnit)));
  return fmt::format("{:.1f} {}iB", static_cast<double>(bytes) / std::pow(kUnit, exp), "KMGTPE"[exp - 1]);
}

std::string runtime_text(std::int64_t ms) {
  const std::int64_t s = ms / 1000;
  return fmt::format("[ {} days, {} hours, {} minutes, {} seconds ]", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
}

struct DiskSpace {
  double used_ratio = 0;  // UtilAll.getDiskPartitionSpaceUsedPercent
  std::int64_t total = 0;
  std::int64_t free = 0;
};

DiskSpace disk_space(const std::string& path) {
  struct statvfs vfs {};
  DiskSpace d;
  if (::statvfs(path.c_str(), &vfs) != 0 || vfs.f_blocks == 0) return d;
  d.total = static_cast<std::int64_t>(vfs.f_blocks) * static_cast<std::int64_t>(vfs.f_frsize);
  d.free = static_cast<std::int64_t>(vfs.f_bfree) * static_cast<std::int64_t>(vfs.f_frsize);
  // The ratio the broker acts on (refusing sends, deleting segments), so what is shown is what counts.
  const Result<double> ratio = store::disk_usage_ratio(path);
  d.used_ratio = ratio.ok() ? *ratio : 0.0;
  return d;
}

// StoreStatsService's putMessageDistributeTime buckets, in the order CoreStats keeps them.
std::string distribute_time_text(const CoreStats& s) {
  static constexpr const char* kNames[kPutLatencyBuckets] = {
      "<=0ms", "0~10ms", "10~50ms", "50~100ms", "100~200ms", "200~500ms", "500ms~1s",
      "1~2s", "2~3s", "3~4s", "4~5s", "5~10s", "10s~"};
  std::string out;
  for (std::size_t i = 0; i < kPutLatencyBuckets; ++i) {
    if (!out.empty()) out += ' ';
    out += fmt::format("[{}]:{}", kNames[i], s.put_latency_buckets[i]);
  }
  return out;
}

// StoreStatsService#findPutMessageEntireTimePX: the put latency (ms) under which a share `px` of
// the sends fell, read from the distribution buckets (their upper bounds), "%.2f".
std::string put_latency_px(const CoreStats& s, double px) {
  std::uint64_t total = 0;
  for (std::uint64_t n : s.put_latency_buckets) total += n;
  if (total == 0) return "0.00";
  const auto wanted = static_cast<std::uint64_t>(std::ceil(px * static_cast<double>(total)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kPutLatencyBuckets; ++i) {
    seen += s.put_latency_buckets[i];
    if (seen >= wanted) {
      const std::int64_t bound = i == 0 ? 0 : kPutLatencyBoundsMs[std::min(i, kPutLatencyBuckets - 2)];
      return fmt::format("{:.2f}", static_cast<double>(bound));
    }
  }
  return fmt::format("{:.2f}", static_cast<double>(kPutLatencyBoundsMs[kPutLatencyBuckets - 2]));
}

void collect(RuntimeTotals& t, BrokerRuntime& rt, CoreState& cs) {
  const CoreStats& s = cs.stats;
  t.stats.put_messages += s.put_messages;
  t.stats.put_bytes += s.put_bytes;
  t.stats.put_time_max_us = std::max(t.stats.put_time_max_us, s.put_time_max_us);
  t.stats.get_messages += s.get_messages;
  t.stats.put_failures += s.put_failures;
  t.stats.get_bytes += s.get_bytes;
  for (std::size_t i = 0; i < kPutLatencyBuckets; ++i) t.stats.put_latency_buckets[i] += s.put_latency_buckets[i];
  const auto& log = cs.shard->commit_log();
  const std::int64_t min = log.min_offset().value;
  t.commit_log_min = std::min(t.commit_log_min, min);
  t.commit_log_max = std::max(t.commit_log_max, log.write_offset().value);
  t.unflushed_bytes += log.write_offset().value - log.durable_offset().value;
  if (log.write_offset().value > min) {
    // DefaultMessageStore#getEarliestMessageTime: the store time of the first record kept.
    if (auto first = cs.shard->message_at(log.min_offset()); first.ok()) {
      auto parsed = store::parse_record(first->bytes(), false);
      if (parsed.status == store::ParseStatus::record) t.earliest_ms = std::min(t.earliest_ms, parsed.record.store_timestamp_ms);
    }
  }
  if (cs.server) t.unsupported_requests += cs.server->unsupported_requests();
  const CoreStatsSet& set = cs.stats_set;
  add(t.put, set.tps(&TotalsSample::put_messages));
  add(t.get_found, set.tps(&TotalsSample::get_found));
  add(t.get_miss, set.tps(&TotalsSample::get_miss));
  add(t.get_transferred, set.tps(&TotalsSample::get_messages));
  t.put_morning[0] += set.put_yesterday_morning();
  t.put_morning[1] += set.put_today_morning();
  t.get_morning[0] += set.get_yesterday_morning();
  t.get_morning[1] += set.get_today_morning();
  ha::collect_ha(t.ha, rt, cs);
}

std::vector<std::pair<std::string, std::string>> runtime_table(BrokerRuntime& rt, const RuntimeTotals& t) {
  const auto n = [](auto v) { return fmt::format("{}", v); };
  const CoreStats& s = t.stats;
  const double avg = s.put_messages ? static_cast<double>(s.put_bytes) / static_cast<double>(s.put_messages) : 0.0;
  const DiskSpace disk = disk_space(rt.config().store_dir);
  const std::string transferred = tps_text(t.get_transferred);
  return {
      {"brokerVersionDesc", "V4_9_4"}, {"brokerVersion", "401"},
      {"msgPutTotalYesterdayMorning", n(t.put_morning[0])}, {"msgPutTotalTodayMorning", n(t.put_morning[1])},
      {"msgPutTotalTodayNow", n(s.put_messages)},
      {"msgGetTotalYesterdayMorning", n(t.get_morning[0])}, {"msgGetTotalTodayMorning", n(t.get_morning[1])},
      {"msgGetTotalTodayNow", n(s.get_messages)},
      {"commitLogMinOffset", n(t.commit_log_min == INT64_MAX ? 0 : t.commit_log_min)},
      {"commitLogMaxOffset", n(t.commit_log_max)},
      {"commitLogDiskRatio", java_double_text(disk.used_ratio)},
      {"commitLogDiskRatio_" + rt.config().store_dir, java_double_text(disk.used_ratio)},
      {"consumeQueueDiskRatio", java_double_text(disk.used_ratio)},
      {"commitLogDirCapacity", fmt::format("Total : {}, Free : {}.", human_bytes(disk.total), human_bytes(disk.free))},
      {"bootTimestamp", n(rt.boot_timestamp_ms())}, {"runtime", runtime_text(wall_clock_ms() - rt.boot_timestamp_ms())},
      {"putTps", tps_text(t.put)}, {"getFoundTps", tps_text(t.get_found)}, {"getMissTps", tps_text(t.get_miss)},
      {"getTotalTps", tps_text(sum_triples(t.get_found, t.get_miss))},
      {"getTransferedTps", transferred}, {"getTransferredTps", transferred},
      {"putMessageTimesTotal", n(s.put_messages)}, {"putMessageSizeTotal", n(s.put_bytes)},
      {"putMessageAverageSize", java_double_text(avg)}, {"putMessageEntireTimeMax", n(s.put_time_max_us / 1000)},
      {"putMessageDistributeTime", distribute_time_text(s)},
      {"putMessageFailedTimes", n(s.put_failures)},
      {"putLatency99", put_latency_px(s, 0.99)}, {"putLatency999", put_latency_px(s, 0.999)},
      {"getMessageEntireTimeMax", "0"}, {"dispatchMaxBuffer", "0"}, {"dispatchBehindBytes", "0"},
      {"pageCacheLockTimeMills", "0"},
      {"earliestMessageTimeStamp", n(t.earliest_ms == INT64_MAX ? -1 : t.earliest_ms)},
      {"startAcceptSendRequestTimeStamp", "0"},
      {"remainTransientStoreBufferNumbs", "2147483647"},
      {"remainHowManyDataToFlush", human_bytes(t.unflushed_bytes)},
      {"sendThreadPoolQueueSize", "0"}, {"sendThreadPoolQueueCapacity", "10000"},
      {"sendThreadPoolQueueHeadWaitTimeMills", "0"},
      {"pullThreadPoolQueueSize", "0"}, {"pullThreadPoolQueueCapacity", "100000"},
      {"pullThreadPoolQueueHeadWaitTimeMills", "0"},
      {"queryThreadPoolQueueSize", "0"}, {"queryThreadPoolQueueCapacity", "20000"},
      {"queryThreadPoolQueueHeadWaitTimeMills", "0"},
      {"EndTransactionQueueSize", "0"}, {"EndTransactionThreadPoolQueueCapacity", "100000"},
      {"shardCount", n(rt.core_count())},
      // ringmq's own: requests answered REQUEST_CODE_NOT_SUPPORTED since boot (logged at warn).
      {"unsupportedRequestCodeTotal", n(t.unsupported_requests)},
  };
}

}  // namespace

void process_get_broker_runtime_info(RequestContext ctx, remoting::RemotingCommand&&) {
  auto totals = std::make_shared<RuntimeTotals>();
  visit_all_cores(
      ctx.rt, [totals, &rt = ctx.rt](CoreState& cs) { collect(*totals, rt, cs); },
      [ctx, totals] {
        auto response = make_response(ctx.ref, rc::kSuccess);
        auto table = runtime_table(ctx.rt, *totals);
        ha::append_ha_runtime_info(table, ctx.rt, totals->ha);
        response.body = encode_kv_table(table);
        ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
      });
}

}  // namespace ringmq::broker
