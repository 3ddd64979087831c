// The subcommands of the `ringmq` binary. Each adds its flags to a CLI11 subcommand and returns
// the function that runs it after parsing (exit code as result).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace ringmq::cli {

using RunFn = std::function<int()>;

RunFn add_namesrv_command(CLI::App& app);
RunFn add_broker_command(CLI::App& app);
RunFn add_standalone_command(CLI::App& app);
RunFn add_admin_command(CLI::App& app);
RunFn add_bench_command(CLI::App& app);

// For subcommands whose implementation has not landed: says so plainly, exit code 2.
int not_finished(const char* what, const char* issue);

}  // namespace ringmq::cli
