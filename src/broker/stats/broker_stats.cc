#include "broker/stats/broker_stats.h"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

#include "broker/broker_runtime.h"

namespace ringmq::broker {

namespace {

constexpr std::int64_t kMinuteSampleMs = 10'000;
constexpr std::int64_t kHourSampleMs = 600'000;
constexpr std::int64_t kDaySampleMs = 3'600'000;

// Days since the epoch in local time: changes at local midnight, as BrokerStats#record runs.
std::int64_t local_day(std::int64_t now_ms) {
  const std::time_t secs = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return (static_cast<std::int64_t>(secs) + tm.tm_gmtoff) / 86400;
}

}  // namespace

void StatsItem::sample(std::deque<Sample>& list, std::size_t keep, std::int64_t now_ms) {
  list.push_back(Sample{now_ms, value_, times_});
  while (list.size() > keep) list.pop_front();
}

// StatsItem#computeStatsData: the change between the oldest and the newest sample.
StatsSnapshot StatsItem::window(const std::deque<Sample>& list) const {
  StatsSnapshot s;
  if (list.empty()) return s;
  const Sample& first = list.front();
  const Sample& last = list.back();
  s.sum = last.value - first.value;
  s.times = last.times - first.times;
  const std::int64_t span_ms = last.at_ms - first.at_ms;
  if (span_ms > 0) s.tps = static_cast<double>(s.sum) * 1000.0 / static_cast<double>(span_ms);
  return s;
}

StatsItem& StatsTable::item(std::string_view key) {
  auto it = items_.find(key);
  if (it != items_.end()) return it->second;
  if (items_.size() >= kStatsKeysMax) key = kOtherStatsKey;
  return items_.try_emplace(std::string(key)).first->second;
}

const StatsItem* StatsTable::find(std::string_view key) const {
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : &it->second;
}

void StatsTable::sample_minute(std::int64_t now_ms) {
  for (auto& [k, item] : items_) item.sample_minute(now_ms);
}
void StatsTable::sample_hour(std::int64_t now_ms) {
  for (auto& [k, item] : items_) item.sample_hour(now_ms);
}
void StatsTable::sample_day(std::int64_t now_ms) {
  for (auto& [k, item] : items_) item.sample_day(now_ms);
}

std::string group_stats_key(std::string_view topic, std::string_view group) {
  std::string key(topic);
  key += '@';
  key += group;
  return key;
}

void CoreStatsSet::record_put(std::string_view topic, std::uint64_t messages, std::uint64_t bytes) {
  topic_put_nums.item(topic).add(messages);
  topic_put_size.item(topic).add(bytes);
}

void CoreStatsSet::record_get(std::string_view topic, std::string_view group, std::uint64_t messages,
                              std::uint64_t bytes) {
  // One reused buffer for the "topic@group" key: a pull allocates nothing here once warm.
  get_key_.assign(topic);
  get_key_ += '@';
  get_key_ += group;
  group_get_nums.item(get_key_).add(messages);
  group_get_size.item(get_key_).add(bytes);
}

void CoreStatsSet::tick(const CoreStats& totals, std::int64_t now_ms) {
  samples_.push_back(TotalsSample{now_ms, totals.put_messages, totals.get_messages, totals.get_found_requests,
                                  totals.get_miss_requests});
  while (samples_.size() > kTpsSamplesMax) samples_.pop_front();
  StatsTable* tables[] = {&topic_put_nums, &topic_put_size, &group_get_nums, &group_get_size};
  if (now_ms >= next_minute_ms_) {
    for (auto* t : tables) t->sample_minute(now_ms);
    next_minute_ms_ = now_ms + kMinuteSampleMs;
  }
  if (now_ms >= next_hour_ms_) {
    for (auto* t : tables) t->sample_hour(now_ms);
    next_hour_ms_ = now_ms + kHourSampleMs;
  }
  if (now_ms >= next_day_ms_) {
    for (auto* t : tables) t->sample_day(now_ms);
    next_day_ms_ = now_ms + kDaySampleMs;
  }
  const std::int64_t day = local_day(now_ms);
  if (local_day_ >= 0 && day != local_day_) {
    put_morning_[0] = put_morning_[1];
    put_morning_[1] = totals.put_messages;
    get_morning_[0] = get_morning_[1];
    get_morning_[1] = totals.get_messages;
  }
  local_day_ = day;
}

// StoreStatsService#getPutTps(time): the newest sample against the one `seconds` before it (the
// oldest one while fewer have been taken).
double CoreStatsSet::rate(Selector which, std::size_t seconds) const {
  if (samples_.size() < 2) return 0.0;
  const TotalsSample& last = samples_.back();
  const std::size_t back = std::min(seconds, samples_.size() - 1);
  const TotalsSample& before = samples_[samples_.size() - 1 - back];
  const std::int64_t span_ms = last.at_ms - before.at_ms;
  if (span_ms <= 0) return 0.0;
  return static_cast<double>(last.*which - before.*which) * 1000.0 / static_cast<double>(span_ms);
}

TpsTriple CoreStatsSet::tps(Selector which) const { return {rate(which, 10), rate(which, 60), rate(which, 600)}; }

std::string java_double_text(double v) {
  if (!std::isfinite(v)) return "0.0";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{:.1f}", v);
  return fmt::format("{}", v);
}

}  // namespace ringmq::broker
