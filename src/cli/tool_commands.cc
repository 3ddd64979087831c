// `ringmq admin` and `ringmq bench`.
#include "cli/commands.h"

namespace ringmq::cli {

RunFn add_admin_command(CLI::App& app) {
  app.allow_extras();
  return []() -> int { return not_finished("admin", "needs the broker and client issues"); };
}

RunFn add_bench_command(CLI::App& app) {
  app.allow_extras();
  return []() -> int { return not_finished("bench", "issue #6: client library and ringmq bench"); };
}

}  // namespace ringmq::cli
