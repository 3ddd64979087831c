// Flood control for repeated log lines of one kind (a malformed frame per closed connection, a
// refused send per request while the disk is full): at most `burst` lines per window; the first
// line logged after some were suppressed says how many ("... 1,234 more in the last 10 s").
//
// One LogLimiter per kind, usually a function-local static shared by every core: allow() takes a
// mutex, which is cheap next to formatting and writing a line, and taken only where a line of that
// kind is about to be logged.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

namespace ringmq {

inline constexpr std::int64_t kLogLimitWindowMs = 10'000;
inline constexpr std::uint32_t kLogLimitBurst = 10;

class LogLimiter {
 public:
  explicit LogLimiter(std::int64_t window_ms = kLogLimitWindowMs, std::uint32_t burst = kLogLimitBurst)
      : window_ms_(window_ms), burst_(burst) {}

  // Whether this occurrence (at monotonic time now_ms) may be logged. When it may, `suffix` is ""
  // or, if lines were suppressed since the last logged one, " (N more in the last S s)".
  bool allow(std::int64_t now_ms, std::string& suffix);
  // allow() at the current monotonic time.
  bool allow(std::string& suffix);

 private:
  const std::int64_t window_ms_;
  const std::uint32_t burst_;
  std::mutex mu_;
  std::int64_t window_start_ms_ = INT64_MIN / 2;
  std::uint32_t logged_in_window_ = 0;
  std::uint64_t suppressed_ = 0;
};

// "1234567" -> "1,234,567".
std::string group_thousands(std::uint64_t n);

}  // namespace ringmq

// Logs at `level` through `limiter` (a LogLimiter), appending the suppressed count.
#define RINGMQ_LOG_LIMITED(limiter, level_fn, fmt_str, ...)                                          \
  do {                                                                                               \
    std::string ringmq_log_suffix_;                                                                  \
    if ((limiter).allow(ringmq_log_suffix_))                                                         \
      level_fn(fmt_str "{}" __VA_OPT__(, ) __VA_ARGS__, ringmq_log_suffix_);                         \
  } while (0)
