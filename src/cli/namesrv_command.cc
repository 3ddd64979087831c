// `ringmq namesrv`.
#include <memory>
#include <string>

#include "cli/commands.h"

namespace ringmq::cli {

RunFn add_namesrv_command(CLI::App& app) {
  struct Flags {
    std::string listen = "0.0.0.0:9876";
    int cores = 0;
    int broker_timeout_s = 120;
  };
  auto flags = std::make_shared<Flags>();
  app.add_option("--listen", flags->listen, "address and port to serve on")->capture_default_str();
  app.add_option("--cores", flags->cores, "reactor threads, one per core (0 = all cores)")->capture_default_str();
  app.add_option("--broker-timeout", flags->broker_timeout_s, "seconds of silence before a broker is dropped")
      ->capture_default_str();
  return [flags]() -> int { return not_finished("namesrv", "issue #7: NameServer"); };
}

}  // namespace ringmq::cli
