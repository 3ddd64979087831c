#include "cli/admin/admin_command.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <ctime>

#include "base/clock.h"
#include "base/json_writer.h"
#include "base/log.h"
#include "cli/commands.h"
#include "remoting/response_code.h"

namespace ringmq::cli {

CLI::App* AdminCli::add(const char* name, const char* description, AdminRun run) {
  CLI::App* sub = admin_.add_subcommand(name, description);
  sub->add_option("-n,--namesrvAddr", options_.namesrv, "NameServers, host:port;host:port (default $NAMESRV_ADDR)");
  sub->add_option("--namesrv-domain", options_.namesrv_domain,
                  "address server host[:port] serving the NameServer list (used without -n and $NAMESRV_ADDR)");
  sub->add_option("--access-key", options_.credentials.access_key, "ACL access key (default: $ROCKETMQ_ACCESS_KEY)");
  sub->add_option("--secret-key", options_.credentials.secret_key, "ACL secret key (default: $ROCKETMQ_SECRET_KEY)");
  sub->add_flag("--json", options_.json, "print one JSON object instead of tables");
  commands_.emplace_back(sub, std::move(run));
  return sub;
}

namespace {

void print_failure(const AdminOptions& options, const std::string& command, const Error& error,
                   const AdminSession* session) {
  std::fprintf(stderr, "ringmq admin %s: %s\n", command.c_str(), error.detail.empty() ? error.to_string().c_str()
                                                                                      : error.detail.c_str());
  if (!options.json) return;
  JsonWriter w;
  w.begin_object().key("error").value(error.detail.empty() ? error.to_string() : error.detail);
  if (session != nullptr && session->last_failure()) {
    const client::AdminCallFailure& f = *session->last_failure();
    w.key("peer").value(f.peer).key("code").value(f.code);
    if (f.code >= 0) w.key("codeName").value(remoting::response_code_name(f.code));
    w.key("remark").value(f.remark);
  }
  w.end_object();
  std::printf("%s\n", w.str().c_str());
}

}  // namespace

int AdminCli::run_parsed() {
  // The client library's info lines (engine started, ...) would mix into the tables, which
  // scripts read; --log-level debug still shows everything.
  if (log_level() == LogLevel::info) set_log_level(LogLevel::warn);
  for (auto& [sub, run] : commands_) {
    if (!sub->parsed()) continue;
    auto session = AdminSession::open(options_.namesrv, options_.namesrv_domain, options_.credentials);
    if (!session.ok()) {
      print_failure(options_, sub->get_name(), session.error(), nullptr);
      return 1;
    }
    Output out;
    Status st = run(**session, options_, out);
    if (!st.ok()) {
      print_failure(options_, sub->get_name(), st.error(), session->get());
      return 1;
    }
    const std::string text = options_.json ? out.render_json() : out.render_text();
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  std::fprintf(stderr, "ringmq admin: name a command (ringmq admin --help lists them)\n");
  return 2;
}

Result<std::int64_t> parse_time_arg(const std::string& text) {
  if (text == "now") return wall_clock_ms();
  std::int64_t ms = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec == std::errc() && ptr == text.data() + text.size()) return ms;
  std::tm tm{};
  int millis = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d#%d:%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec, &millis) != 7) {
    return make_error(Errc::invalid_argument,
                      fmt::format("time '{}': expected milliseconds, now, or yyyy-MM-dd#HH:mm:ss:SSS", text));
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  tm.tm_isdst = -1;
  return static_cast<std::int64_t>(std::mktime(&tm)) * 1000 + millis;
}

RunFn add_admin_command(CLI::App& app) {
  auto options = std::make_shared<AdminOptions>();
  auto cli = std::make_shared<AdminCli>(app, *options);
  app.require_subcommand(1);
  add_cluster_commands(*cli);
  add_topic_commands(*cli);
  add_group_commands(*cli);
  add_message_commands(*cli);
  return [options, cli]() -> int { return cli->run_parsed(); };
}

}  // namespace ringmq::cli
