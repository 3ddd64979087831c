#include "base/log_limiter.h"

#include <fmt/format.h>

#include "base/clock.h"

namespace ringmq {

std::string group_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

bool LogLimiter::allow(std::int64_t now_ms, std::string& suffix) {
  std::lock_guard lock(mu_);
  suffix.clear();
  if (now_ms - window_start_ms_ >= window_ms_) {
    window_start_ms_ = now_ms;
    logged_in_window_ = 0;
  }
  if (logged_in_window_ >= burst_) {
    ++suppressed_;
    return false;
  }
  ++logged_in_window_;
  if (suppressed_ > 0) {
    suffix = fmt::format(" ({} more in the last {} s)", group_thousands(suppressed_), window_ms_ / 1000);
    suppressed_ = 0;
  }
  return true;
}

bool LogLimiter::allow(std::string& suffix) { return allow(monotonic_ms(), suffix); }

}  // namespace ringmq
