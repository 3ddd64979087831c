// The `ringmq admin` command table: mqadmin's subcommand names and options, each with -n
// (NameServers; $NAMESRV_ADDR when absent, as mqadmin) and --json. One file per command group
// registers its commands here (cluster_commands.cc, topic_commands.cc, group_commands.cc,
// message_commands.cc).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "cli/admin/admin_output.h"
#include "cli/admin/admin_session.h"
#include "remoting/acl_signature.h"

namespace ringmq::cli {

struct AdminOptions {
  std::string namesrv;
  std::string namesrv_domain;  // address server (rocketmq.namesrv.domain), after -n and $NAMESRV_ADDR
  // ACL 1.0 signing; empty = $ROCKETMQ_ACCESS_KEY / $ROCKETMQ_SECRET_KEY, else unsigned.
  remoting::AclCredentials credentials;
  bool json = false;
};

using AdminRun = std::function<Status(AdminSession&, const AdminOptions&, Output&)>;

class AdminCli {
 public:
  AdminCli(CLI::App& admin, AdminOptions& options) : admin_(admin), options_(options) {}
  // A subcommand with the shared -n and --json options; `run` is what it does once parsed.
  CLI::App* add(const char* name, const char* description, AdminRun run);
  // Runs the parsed subcommand: 0 on success, 1 when it failed (the error on stderr, and as
  // {"error":...} on stdout with --json).
  int run_parsed();

 private:
  CLI::App& admin_;
  AdminOptions& options_;
  std::vector<std::pair<CLI::App*, AdminRun>> commands_;
};

void add_cluster_commands(AdminCli& cli);
void add_topic_commands(AdminCli& cli);
void add_group_commands(AdminCli& cli);
void add_message_commands(AdminCli& cli);

// A time argument as mqadmin takes it: milliseconds since the epoch, "now", or local time
// "yyyy-MM-dd#HH:mm:ss:SSS". Errors: invalid_argument naming the text.
Result<std::int64_t> parse_time_arg(const std::string& text);

}  // namespace ringmq::cli
