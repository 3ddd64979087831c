#include "broker/retention/disk_policy.h"

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

namespace {
constexpr std::string_view kDiskFullRemarkPrefix = "service not available now, maybe disk full";
}  // namespace

std::string no_space_remark(const Error& e) {
  if (std::string_view(e.detail).starts_with(kDiskFullRemarkPrefix)) return e.detail;
  return fmt::format("{}: {}", kDiskFullRemarkPrefix, e.to_string());
}

std::string disk_full_remark(double usage_ratio) {
  // The CommitLog, ConsumeQueues and index files share the store's file system here.
  return fmt::format(
      "{0}, CL: {1:5.2f} CQ: {1:5.2f} INDEX: {1:5.2f}, maybe your broker machine memory too small.",
      kDiskFullRemarkPrefix, usage_ratio);
}

}  // namespace ringmq::broker
