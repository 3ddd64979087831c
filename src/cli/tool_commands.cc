// `ringmq admin` (`ringmq bench` is in bench_command.cc).
#include "cli/commands.h"

namespace ringmq::cli {

RunFn add_admin_command(CLI::App& app) {
  app.allow_extras();
  return []() -> int { return not_finished("admin", "needs the broker and client issues"); };
}

}  // namespace ringmq::cli
