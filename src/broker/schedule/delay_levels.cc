#include "broker/schedule/delay_levels.h"

#include <charconv>

namespace ringmq::broker {

Result<DelayLevels> DelayLevels::parse(std::string_view text) {
  DelayLevels out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    if (pos == text.size()) break;
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(pos, end - pos);
    pos = end;
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size() - 1, n);
    std::int64_t unit_ms = 0;
    switch (word.back()) {
      case 's': unit_ms = 1000; break;
      case 'm': unit_ms = 60 * 1000; break;
      case 'h': unit_ms = 3600 * 1000; break;
      case 'd': unit_ms = 24 * 3600 * 1000; break;
      default: break;
    }
    if (ec != std::errc{} || ptr != word.data() + word.size() - 1 || unit_ms == 0 || n < 0) {
      return make_error(Errc::invalid_argument, "bad delay level '" + std::string(word) + "' (want e.g. 5s, 2m, 1h, 1d)");
    }
    out.delays_ms_.push_back(n * unit_ms);
  }
  if (out.delays_ms_.empty() || out.delays_ms_.size() > kDelayLevelsMax) {
    return make_error(Errc::invalid_argument, "between 1 and 64 delay levels are needed");
  }
  return out;
}

std::int64_t DelayLevels::delay_ms(std::int32_t level) const {
  if (level < 1) level = 1;
  if (level > max_level()) level = max_level();
  return delays_ms_[static_cast<std::size_t>(level - 1)];
}

std::int32_t DelayLevels::level_of(std::string_view property) const {
  std::int32_t level = 0;
  auto [ptr, ec] = std::from_chars(property.data(), property.data() + property.size(), level);
  if (ec != std::errc{} || level <= 0) return 0;
  return level > max_level() ? max_level() : level;
}

}  // namespace ringmq::broker
