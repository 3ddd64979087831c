// NamesrvAddressPoller: the broker's fetchNamesrvAddrByAddressServer. A broker started with no
// NameServer address (no --namesrv / namesrvAddr, no $NAMESRV_ADDR) and the option on asks the
// address server (RocketMQ's TopAddressing: GET http://<domain>:8080/rocketmq/<subgroup> answering
// "host:port;host:port") at start and every interval, and hands a changed list to the broker.
//
// Runs on its own thread, because the GET blocks (with timeouts) and a reactor core must not; the
// broker takes the list on core 0 (BrokerController::update_namesrv_addrs). Lifetime: started
// after the broker, stopped (joined) before the broker shuts down.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ringmq::cli {

class NamesrvAddressPoller {
 public:
  using OnChange = std::function<void(std::vector<std::string> addrs)>;
  NamesrvAddressPoller(std::string url, std::int64_t interval_ms, OnChange on_change);
  NamesrvAddressPoller(const NamesrvAddressPoller&) = delete;
  NamesrvAddressPoller& operator=(const NamesrvAddressPoller&) = delete;
  ~NamesrvAddressPoller() { stop(); }

  void start();
  void stop();

 private:
  void run();
  void fetch_once();

  const std::string url_;
  const std::int64_t interval_ms_;
  const OnChange on_change_;
  std::vector<std::string> current_;  // the poller thread's own
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ringmq::cli
