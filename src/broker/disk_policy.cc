#include "broker/disk_policy.h"

#include <fmt/format.h>

#include <charconv>
#include <ctime>

namespace ringmq::broker {

bool is_delete_hour(std::string_view delete_when, std::int64_t wall_ms) {
  const time_t secs = static_cast<time_t>(wall_ms / 1000);
  struct tm local {};
  localtime_r(&secs, &local);
  while (!delete_when.empty()) {
    const std::size_t semi = delete_when.find(';');
    const std::string_view part = delete_when.substr(0, semi);
    int hour = -1;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), hour);
    if (ec == std::errc() && end == part.data() + part.size() && hour == local.tm_hour) return true;
    if (semi == std::string_view::npos) break;
    delete_when.remove_prefix(semi + 1);
  }
  return false;
}

std::string disk_full_remark(double usage_ratio) {
  // The CommitLog, ConsumeQueues and index files share the store's file system here.
  return fmt::format(
      "service not available now, maybe disk full, CL: {0:5.2f} CQ: {0:5.2f} INDEX: {0:5.2f}, maybe your broker "
      "machine memory too small.",
      usage_ratio);
}

}  // namespace ringmq::broker
