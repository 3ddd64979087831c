// Logging: one line per call, written with a single write(2) so lines from different cores never
// interleave. Format: "2026-11-21T15:45:13.123Z INFO  [core 0] message".
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace ringmq {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

void set_log_level(LogLevel level);
LogLevel log_level();
// The reactor sets this per thread so log lines name their core; -1 prints as "main".
void set_log_core(int core_id);

namespace detail {
void log_write(LogLevel level, std::string_view message);
}

template <typename... Args>
void log_at(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (level < log_level()) return;
  detail::log_write(level, fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
void log_debug(fmt::format_string<Args...> f, Args&&... a) { log_at(LogLevel::debug, f, std::forward<Args>(a)...); }
template <typename... Args>
void log_info(fmt::format_string<Args...> f, Args&&... a) { log_at(LogLevel::info, f, std::forward<Args>(a)...); }
template <typename... Args>
void log_warn(fmt::format_string<Args...> f, Args&&... a) { log_at(LogLevel::warn, f, std::forward<Args>(a)...); }
template <typename... Args>
void log_error(fmt::format_string<Args...> f, Args&&... a) { log_at(LogLevel::error, f, std::forward<Args>(a)...); }

}  // namespace ringmq
