// Applies a RocketMQ broker.conf (Java properties with RocketMQ's key names) to a BrokerConfig.
// Settings given as flags win: the caller passes the names of the config fields it set from flags,
// and those keys are skipped.
#pragma once

#include <set>
#include <string>

#include "base/properties_file.h"
#include "base/result.h"
#include "broker/broker_config.h"

namespace ringmq::cli {

// Keys ringmq understands; unknown keys are logged once and ignored, as RocketMQ ignores them.
// `set_by_flags` holds RocketMQ key names (e.g. "brokerName") already decided by a flag.
Status apply_broker_conf(const Properties& props, const std::set<std::string>& set_by_flags,
                         broker::BrokerConfig& config);

}  // namespace ringmq::cli
