#include "broker/ha/ha_service.h"

#include "base/log.h"
#include "broker/broker_runtime.h"
#include "broker/processor/send_message_processor.h"

namespace ringmq::broker::ha {

std::uint16_t ha_listen_port_of(const BrokerConfig& config) {
  if (config.ha_listen_port >= 0) return static_cast<std::uint16_t>(config.ha_listen_port);
  return config.listen_port == 0 ? 0 : static_cast<std::uint16_t>(config.listen_port + 1);
}

HaService::HaService(BrokerRuntime& rt)
    : rt_(rt),
      slave_role_(rt.config().role == BrokerRole::slave),
      sync_master_(rt.config().role == BrokerRole::sync_master) {
  if (slave_role_) {
    for (unsigned i = 0; i < rt.core_count(); ++i) slaves_.push_back(std::make_unique<HaSlave>(rt, rt.core_state(i)));
  } else {
    master_ = std::make_unique<HaMaster>(rt);
  }
}

HaService::~HaService() = default;

Status HaService::open(const std::string& host) {
  if (slave_role_) return {};
  auto opened = reactor::open_listen_sockets(host, ha_listen_port_of(rt_.config()), 1);
  if (!opened.ok() && rt_.config().ha_listen_port < 0) {
    // listenPort + 1 was only a default: take any port (slaves learn it from the NameServer). A
    // configured haListenPort that cannot be had stops the broker.
    log_warn("HA: default port {} not available ({}); letting the kernel pick one", ha_listen_port_of(rt_.config()),
             opened.error().to_string());
    RINGMQ_TRY_ASSIGN(auto any, reactor::open_listen_sockets(host, 0, 1));
    socket_ = std::make_unique<reactor::ListenSockets>(std::move(any));
  } else {
    RINGMQ_TRY_ASSIGN(auto sockets, std::move(opened));
    socket_ = std::make_unique<reactor::ListenSockets>(std::move(sockets));
  }
  port_ = socket_->port;
  log_info("HA listening on {}:{} ({})", host, port_,
           sync_master_ ? "SYNC_MASTER: sends wait for a slave" : "ASYNC_MASTER");
  return {};
}

void HaService::start_core(reactor::Reactor& reactor, CoreState& cs) {
  if (master_ && cs.core == 0 && socket_) {
    if (auto st = master_->listen(reactor, socket_->release(0)); !st.ok())
      log_error("HA cannot listen: {}", st.error().to_string());
  }
  if (slave_role_ && cs.core == 0) {
    sync_ = std::make_unique<SlaveSynchronize>(rt_, reactor);
    sync_->start();
  }
  if (HaSlave* s = slave(cs.core)) {
    s->start(reactor);
    if (!rt_.config().ha_master_address.empty()) s->set_master(rt_.config().ha_master_address);
  }
}

void HaService::stop_core(CoreState& cs) {
  if (master_) {
    master_->drop_waiters(cs);
    if (cs.core == 0) master_->stop();
  }
  if (HaSlave* s = slave(cs.core)) s->stop();
  if (cs.core == 0) sync_.reset();
}

bool HaService::wait_replica(CoreState& cs, std::unique_ptr<SendJob>& job) {
  if (!sync_master_ || !master_) return false;
  master_->wait_replica(cs, std::move(job));
  return true;
}

void HaService::on_registered(const std::string& master_addr, const std::string& ha_server_addr) {
  if (!slave_role_) return;
  if (!master_addr.empty() && master_addr != master_addr_) {
    master_addr_ = master_addr;
    log_info("slave of master {}: its metadata is copied every {} ms", master_addr, kSlaveSyncIntervalMs);
    if (sync_) sync_->set_master(master_addr);
  }
  // A configured haMasterAddress wins over what the NameServer says (RocketMQ: updateHaMasterAddress
  // only when haMasterAddress is unset).
  if (!rt_.config().ha_master_address.empty() || ha_server_addr.empty() || ha_server_addr == ha_master_) return;
  ha_master_ = ha_server_addr;
  for (unsigned core = 0; core < rt_.core_count(); ++core) {
    rt_.run_on(core, [this, core, addr = ha_server_addr] { slaves_[core]->set_master(addr); });
  }
}

}  // namespace ringmq::broker::ha
