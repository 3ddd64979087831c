// The broker's Prometheus metrics (text exposition format 0.0.4), gathered from every core on
// demand: messages and bytes put per topic, delivered per topic and group, consumer lag per
// group/topic/queue, the send path's store latency histogram, connections and held pulls per core,
// disk usage. Label cardinality is bounded: at most kMetricsTopicsMax topics and
// kMetricsGroupsMax groups are named (in name order); the rest are summed under "other".
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "broker/broker_limits.h"

namespace ringmq::broker {

class BrokerRuntime;

inline constexpr const char* kMetricsOtherLabel = "other";

// On core 0: gathers from every core and calls `done` with the text, back on core 0.
void render_metrics(BrokerRuntime& rt, std::function<void(std::string)> done);

}  // namespace ringmq::broker
