// `ringmq`: one binary for every role (namesrv, broker, standalone, admin, bench).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "base/log.h"
#include "cli/commands.h"

namespace ringmq::cli {

int not_finished(const char* what, const char* issue) {
  std::fprintf(stderr, "ringmq %s: not finished yet (%s); nothing was started.\n", what, issue);
  return 2;
}

}  // namespace ringmq::cli

int main(int argc, char** argv) {
  using namespace ringmq;
  CLI::App app{"ringmq: a RocketMQ-compatible messaging system on a thread-per-core io_uring engine"};
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "debug | info | warn | error")->capture_default_str();

  std::vector<std::pair<CLI::App*, cli::RunFn>> commands;
  auto add = [&](const char* name, const char* description, cli::RunFn (*adder)(CLI::App&)) {
    CLI::App* sub = app.add_subcommand(name, description);
    commands.emplace_back(sub, adder(*sub));
  };
  add("namesrv", "run a NameServer (route registry)", cli::add_namesrv_command);
  add("broker", "run a broker (master or slave)", cli::add_broker_command);
  add("standalone", "run a NameServer and a broker in one process", cli::add_standalone_command);
  add("admin", "administer topics, clusters and consumers", cli::add_admin_command);
  add("bench", "benchmark produce / consume / end-to-end latency", cli::add_bench_command);

  CLI11_PARSE(app, argc, argv);

  if (log_level == "debug") set_log_level(LogLevel::debug);
  else if (log_level == "info") set_log_level(LogLevel::info);
  else if (log_level == "warn") set_log_level(LogLevel::warn);
  else if (log_level == "error") set_log_level(LogLevel::error);
  else {
    std::fprintf(stderr, "--log-level: expected debug, info, warn or error\n");
    return 2;
  }

  for (auto& [sub, run] : commands) {
    if (sub->parsed()) return run();
  }
  return 2;
}
