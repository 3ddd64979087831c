// The broker's command-line flags (shared by `ringmq broker` and `ringmq standalone`).
#pragma once

#include <CLI/CLI.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "broker/broker_config.h"

namespace ringmq::cli {

struct BrokerFlags {
  broker::BrokerConfig config;
  std::string conf_file;         // -c broker.conf
  std::string namesrv_list;      // --namesrv "a:9876;b:9876"
  std::string listen = "0.0.0.0:10911";
  std::string flush = "async";
  std::string role = "async_master";
  // Each flag with the RocketMQ key it overrides, to let flags win over the properties file.
  std::vector<std::pair<CLI::Option*, std::string>> options_by_key;
};

void add_broker_flags(CLI::App& app, BrokerFlags& flags);

// After parsing: reads -c, applies NAMESRV_ADDR, validates, and returns the final config.
Result<broker::BrokerConfig> resolve_broker_config(BrokerFlags& flags);

// "host:port" → host and port, with a clear error.
Status parse_host_port(const std::string& text, std::string& host, std::uint16_t& port);

}  // namespace ringmq::cli
