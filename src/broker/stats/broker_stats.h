// The broker's statistics beyond CoreStats' running totals, as RocketMQ keeps them:
//   - StoreStatsService's TPS triples ("10 s, 60 s, 600 s"): one-second samples of the totals;
//   - BrokerStats' morning counters: the totals at the last two local midnights;
//   - BrokerStatsManager's stats items (TOPIC_PUT_NUMS, GROUP_GET_NUMS, ...): a counter per key
//     with minute / hour / day windows (samples every 10 s / 10 min / 1 h), which
//     VIEW_BROKER_STATS_DATA and GET_CONSUME_STATS' consumeTps read.
//
// Ownership: one CoreStatsSet per core, in its CoreState, touched only by that core. Requests that
// need the broker's view visit every core and merge (admin_processor.cc). The number of keys per
// item is capped (kStatsKeysMax); later keys are counted under kOtherStatsKey, so a client making
// up topic names cannot grow the tables without bound.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/string_hash.h"
#include "broker/broker_limits.h"

namespace ringmq::broker {

struct CoreStats;

inline constexpr std::int64_t kStatsSampleIntervalMs = 1000;
// 10 minutes of one-second samples, plus the one they are measured from.
inline constexpr std::size_t kTpsSamplesMax = 601;
inline constexpr std::string_view kOtherStatsKey = "%OTHER%";

// BrokerStatsManager's item names.
inline constexpr std::string_view kTopicPutNums = "TOPIC_PUT_NUMS";
inline constexpr std::string_view kTopicPutSize = "TOPIC_PUT_SIZE";
inline constexpr std::string_view kGroupGetNums = "GROUP_GET_NUMS";
inline constexpr std::string_view kGroupGetSize = "GROUP_GET_SIZE";
inline constexpr std::string_view kBrokerPutNums = "BROKER_PUT_NUMS";
inline constexpr std::string_view kBrokerGetNums = "BROKER_GET_NUMS";

// StatsSnapshot: what one window says (sum over it, per second, per call).
struct StatsSnapshot {
  std::uint64_t sum = 0;
  std::uint64_t times = 0;
  double tps = 0;
  double avgpt() const { return times == 0 ? 0.0 : static_cast<double>(sum) / static_cast<double>(times); }
  // Adds another core's view of the same window.
  void merge(const StatsSnapshot& o) {
    sum += o.sum;
    times += o.times;
    tps += o.tps;
  }
};

class StatsItem {
 public:
  void add(std::uint64_t value, std::uint64_t times = 1) {
    value_ += value;
    times_ += times;
  }
  std::uint64_t value() const { return value_; }
  void sample_minute(std::int64_t now_ms) { sample(minute_, 7, now_ms); }
  void sample_hour(std::int64_t now_ms) { sample(hour_, 7, now_ms); }
  void sample_day(std::int64_t now_ms) { sample(day_, 25, now_ms); }
  StatsSnapshot minute() const { return window(minute_); }
  StatsSnapshot hour() const { return window(hour_); }
  StatsSnapshot day() const { return window(day_); }

 private:
  struct Sample {
    std::int64_t at_ms = 0;
    std::uint64_t value = 0;
    std::uint64_t times = 0;
  };
  void sample(std::deque<Sample>& list, std::size_t keep, std::int64_t now_ms);
  StatsSnapshot window(const std::deque<Sample>& list) const;

  std::uint64_t value_ = 0;
  std::uint64_t times_ = 0;
  std::deque<Sample> minute_, hour_, day_;
};

class StatsTable {
 public:
  // The item of `key`, created on first use (kOtherStatsKey once the table is full).
  StatsItem& item(std::string_view key);
  const StatsItem* find(std::string_view key) const;
  using Items = std::unordered_map<std::string, StatsItem, StringHash, std::equal_to<>>;
  const Items& items() const { return items_; }
  void sample_minute(std::int64_t now_ms);
  void sample_hour(std::int64_t now_ms);
  void sample_day(std::int64_t now_ms);

 private:
  Items items_;  // looked up by string_view on every send and pull: no key is built to find one
};

// The totals each one-second sample records.
struct TotalsSample {
  std::int64_t at_ms = 0;
  std::uint64_t put_messages = 0;
  std::uint64_t get_messages = 0;
  std::uint64_t get_found = 0;
  std::uint64_t get_miss = 0;
};

struct TpsTriple {
  double seconds_10 = 0, seconds_60 = 0, seconds_600 = 0;
};

class CoreStatsSet {
 public:
  // Per-key items, incremented on the send and pull paths of this core.
  StatsTable topic_put_nums, topic_put_size, group_get_nums, group_get_size;

  void record_put(std::string_view topic, std::uint64_t messages, std::uint64_t bytes);
  void record_get(std::string_view topic, std::string_view group, std::uint64_t messages, std::uint64_t bytes);

  // Every kStatsSampleIntervalMs: samples the totals, rolls the windows when due, and moves the
  // morning counters at local midnight.
  void tick(const CoreStats& totals, std::int64_t now_ms);

  using Selector = std::uint64_t TotalsSample::*;
  TpsTriple tps(Selector which) const;
  std::uint64_t put_yesterday_morning() const { return put_morning_[0]; }
  std::uint64_t put_today_morning() const { return put_morning_[1]; }
  std::uint64_t get_yesterday_morning() const { return get_morning_[0]; }
  std::uint64_t get_today_morning() const { return get_morning_[1]; }

 private:
  double rate(Selector which, std::size_t seconds) const;

  std::deque<TotalsSample> samples_;
  std::string get_key_;  // record_get's "topic@group", reused
  std::int64_t next_minute_ms_ = 0, next_hour_ms_ = 0, next_day_ms_ = 0;
  std::int64_t local_day_ = -1;
  std::uint64_t put_morning_[2] = {0, 0};
  std::uint64_t get_morning_[2] = {0, 0};
};

// "topic@group", BrokerStatsManager's key of the GROUP_* items.
std::string group_stats_key(std::string_view topic, std::string_view group);

// Java's Double.toString for the magnitudes TPS take ("0.0", "12.5", "1234.5678").
std::string java_double_text(double v);

}  // namespace ringmq::broker
