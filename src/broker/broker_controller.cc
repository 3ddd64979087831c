#include "broker/broker_controller.h"

#include "base/log.h"
#include "broker/broker_runtime.h"

namespace ringmq::broker {

BrokerController::BrokerController(BrokerConfig config, StandaloneOptions standalone)
    : runtime_(std::make_unique<BrokerRuntime>(std::move(config), std::move(standalone))) {}

BrokerController::~BrokerController() = default;

Status BrokerController::start() { return runtime_->start(); }
void BrokerController::wait_for_stop() { runtime_->wait_for_stop(); }
void BrokerController::request_stop() { runtime_->request_stop(); }
Status BrokerController::shutdown() { return runtime_->shutdown(); }
std::uint16_t BrokerController::listen_port() const { return runtime_->listen_port(); }
void BrokerController::update_namesrv_addrs(std::vector<std::string> addrs) {
  runtime_->update_namesrv_addrs(std::move(addrs));
}

int run_broker(BrokerConfig config, StandaloneOptions standalone) {
  BrokerController controller(std::move(config), std::move(standalone));
  if (auto st = controller.start(); !st.ok()) {
    log_error("broker failed to start: {}", st.error().to_string());
    (void)controller.shutdown();
    return 1;
  }
  controller.wait_for_stop();
  if (auto st = controller.shutdown(); !st.ok()) {
    log_error("broker stop: {}", st.error().to_string());
    return 1;
  }
  return 0;
}

}  // namespace ringmq::broker
