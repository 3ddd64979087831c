#include "cli/namesrv_address_poller.h"

#include <chrono>

#include "base/log.h"
#include "client/client_instance.h"
#include "client/top_addressing.h"

namespace ringmq::cli {

NamesrvAddressPoller::NamesrvAddressPoller(std::string url, std::int64_t interval_ms, OnChange on_change)
    : url_(std::move(url)), interval_ms_(interval_ms), on_change_(std::move(on_change)) {}

void NamesrvAddressPoller::start() {
  log_info("namesrv addresses from the address server {} every {} ms", url_, interval_ms_);
  thread_ = std::thread([this] { run(); });
}

void NamesrvAddressPoller::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NamesrvAddressPoller::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    fetch_once();
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_; });
  }
}

// A failed or empty answer keeps the list in force, as RocketMQ's fetchNameServerAddr does.
void NamesrvAddressPoller::fetch_once() {
  auto text = client::fetch_namesrv_addr(url_);
  if (!text) {
    log_warn("namesrv address server {}: {}", url_, text.error().to_string());
    return;
  }
  std::vector<std::string> addrs = text->empty() ? std::vector<std::string>{} : client::resolve_namesrv_addrs(*text);
  if (addrs.empty()) {
    log_warn("namesrv address server {}: empty answer", url_);
    return;
  }
  if (addrs == current_) return;
  log_info("namesrv address changed: {} (from {})", *text, url_);
  current_ = addrs;
  on_change_(std::move(addrs));
}

}  // namespace ringmq::cli
