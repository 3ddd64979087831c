#include "remoting/unique_key.h"

#include <ctime>

#include "base/bytes.h"
#include "base/hex.h"

namespace ringmq::remoting {
namespace {

constexpr std::int64_t kMsPerSecond = 1000;
// Java tolerates a clock that stepped back this much (NTP) by writing 0 instead of a negative
// offset.
constexpr std::int64_t kClockStepBackToleranceMs = 1'000'000;

}  // namespace

UniqueKeyGenerator::UniqueKeyGenerator(std::uint32_t ipv4, std::uint32_t pid, std::uint32_t random_tag) {
  std::uint8_t fixed[10];
  store_be32(fixed, ipv4);
  store_be16(fixed + 4, static_cast<std::uint16_t>(pid));
  store_be32(fixed + 6, random_tag);
  write_hex(Bytes(fixed, sizeof fixed), prefix_hex_);
}

void UniqueKeyGenerator::start_month(std::int64_t now_ms) {
  // Midnight of the 1st of this month and of the next, in local time, as java.util.Calendar does.
  const std::time_t now_s = static_cast<std::time_t>(now_ms / kMsPerSecond);
  std::tm local{};
  localtime_r(&now_s, &local);
  local.tm_mday = 1;
  local.tm_hour = local.tm_min = local.tm_sec = 0;
  local.tm_isdst = -1;
  std::tm next = local;
  month_start_ms_ = static_cast<std::int64_t>(std::mktime(&local)) * kMsPerSecond;
  next.tm_mon += 1;  // mktime normalises December + 1
  next_month_start_ms_ = static_cast<std::int64_t>(std::mktime(&next)) * kMsPerSecond;
}

std::string UniqueKeyGenerator::next(std::int64_t now_ms) {
  if (now_ms >= next_month_start_ms_ || now_ms < month_start_ms_ - kClockStepBackToleranceMs) {
    start_month(now_ms);
  }
  std::int64_t diff = now_ms - month_start_ms_;
  if (diff < 0) diff = 0;
  std::uint8_t tail[6];
  store_be32(tail, static_cast<std::uint32_t>(diff));
  store_be16(tail + 4, counter_++);
  std::string id(prefix_hex_, sizeof prefix_hex_);
  id.resize(sizeof prefix_hex_ + 2 * sizeof tail);
  write_hex(Bytes(tail, sizeof tail), id.data() + sizeof prefix_hex_);
  return id;
}

}  // namespace ringmq::remoting
