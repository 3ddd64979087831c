#include "broker/broker_config_update.h"

#include <fmt/format.h>

#include <charconv>

namespace ringmq::broker {

namespace {

Result<bool> parse_bool(std::string_view key, std::string_view v) {
  if (v == "true") return true;
  if (v == "false") return false;
  return make_error(Errc::invalid_argument, fmt::format("{} = {}: expected true or false", key, v));
}

Result<std::int64_t> parse_ms(std::string_view key, std::string_view v, std::int64_t min, std::int64_t max) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < min || n > max) {
    return make_error(Errc::invalid_argument, fmt::format("{} = {}: expected an integer in [{}, {}]", key, v, min, max));
  }
  return n;
}

Status apply_one(BrokerConfig& c, std::string_view key, std::string_view v) {
  if (key == "longPollingEnable") {
    RINGMQ_TRY_ASSIGN(c.long_polling_enable, parse_bool(key, v));
  } else if (key == "enablePropertyFilter") {
    RINGMQ_TRY_ASSIGN(c.enable_property_filter, parse_bool(key, v));
  } else if (key == "shortPollingTimeMills") {
    RINGMQ_TRY_ASSIGN(c.short_polling_time_ms, parse_ms(key, v, 1, kLiveIntervalMsMax));
  } else if (key == "channelExpiredTimeout") {
    RINGMQ_TRY_ASSIGN(c.channel_expired_timeout_ms, parse_ms(key, v, kLiveChannelExpiredMsMin, kLiveIntervalMsMax));
  } else {
    return make_error(Errc::invalid_argument,
                      fmt::format("broker config '{}' cannot be changed while the broker runs (mutable: {}); set it "
                                  "in broker.conf (or its flag) and restart",
                                  key, mutable_broker_config_keys()));
  }
  return {};
}

}  // namespace

std::string_view mutable_broker_config_keys() {
  return "channelExpiredTimeout enablePropertyFilter longPollingEnable shortPollingTimeMills";
}

Result<BrokerConfig> apply_broker_config_update(const BrokerConfig& base, const Properties& update) {
  BrokerConfig next = base;
  for (const auto& [key, value] : update) RINGMQ_TRY(apply_one(next, key, value));
  return next;
}

}  // namespace ringmq::broker
