// `ringmq broker` and `ringmq standalone`.
#include <memory>

#include "base/log.h"
#include "cli/broker_flags.h"
#include "cli/commands.h"

namespace ringmq::cli {

RunFn add_broker_command(CLI::App& app) {
  auto flags = std::make_shared<BrokerFlags>();
  add_broker_flags(app, *flags);
  return [flags]() -> int {
    auto config = resolve_broker_config(*flags);
    if (!config.ok()) {
      log_error("broker: {}", config.error().to_string());
      return 2;
    }
    return not_finished("broker", "issue #4: broker, producer side");
  };
}

RunFn add_standalone_command(CLI::App& app) {
  auto flags = std::make_shared<BrokerFlags>();
  auto namesrv_listen = std::make_shared<std::string>("0.0.0.0:9876");
  app.add_option("--namesrv-listen", *namesrv_listen, "address and port of the embedded NameServer")
      ->capture_default_str();
  add_broker_flags(app, *flags);
  return [flags, namesrv_listen]() -> int {
    auto config = resolve_broker_config(*flags);
    if (!config.ok()) {
      log_error("standalone: {}", config.error().to_string());
      return 2;
    }
    return not_finished("standalone", "issue #4: broker, producer side");
  };
}

}  // namespace ringmq::cli
