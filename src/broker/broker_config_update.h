// UPDATE_BROKER_CONFIG's rules: which broker.conf keys take effect on a running broker and their
// allowed values. Only settings read afresh on every use are mutable; the rest were copied into the
// store, the tables or the reactor at start and change only with a restart, so an update naming one
// is refused (naming the key) rather than accepted and silently ignored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/properties_file.h"
#include "base/result.h"
#include "broker/broker_config.h"
#include "broker/broker_limits.h"

namespace ringmq::broker {

// Same ranges as the start-up checks (cli/broker_config_check.h).
inline constexpr std::int64_t kLiveIntervalMsMax = 24LL * 3600 * 1000;
inline constexpr std::int64_t kLiveChannelExpiredMsMin = 1000;

// The mutable keys, space-separated, for messages.
std::string_view mutable_broker_config_keys();

// `base` with every pair of `update` applied; invalid_argument naming the first key that is not
// mutable or whose value is out of range (nothing is applied then).
Result<BrokerConfig> apply_broker_config_update(const BrokerConfig& base, const Properties& update);

}  // namespace ringmq::broker
