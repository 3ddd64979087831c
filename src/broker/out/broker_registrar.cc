#include "broker/out/broker_registrar.h"

#include <algorithm>

#include "base/log.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

BrokerRegistrar::BrokerRegistrar(reactor::Reactor& reactor, BrokerIdentity identity,
                                 std::vector<std::string> namesrv_addrs, int period_ms)
    : reactor_(reactor),
      identity_(std::move(identity)),
      period_ms_(std::clamp(period_ms, kRegisterPeriodMinMs, kRegisterPeriodMaxMs)),
      client_(reactor) {
  for (auto& a : namesrv_addrs) {
    Peer peer;
    peer.addr = std::move(a);
    peers_.push_back(std::move(peer));
  }
}

BrokerRegistrar::~BrokerRegistrar() {
  *alive_ = false;
  if (timer_.valid()) reactor_.cancel_timer(timer_);
  client_.close_all();
}

void BrokerRegistrar::start(TopicSnapshotPtr topics) {
  topics_ = std::move(topics);
  register_all();
  // Armed even with no NameServer yet: the address server may name some later.
  auto timer = reactor_.add_periodic_timer(period_ms_, [this] { register_all(); });
  if (timer.ok()) timer_ = *timer;
}

void BrokerRegistrar::update(TopicSnapshotPtr topics, std::function<void()> attempted) {
  topics_ = std::move(topics);
  if (attempted && (peers_.empty() || stopping_)) return attempted();
  if (attempted) {
    // One countdown over all peers; each peer's answer to a registration carrying this table
    // counts once.
    auto remaining = std::make_shared<std::size_t>(peers_.size());
    auto done = std::make_shared<Waiter>(std::move(attempted));
    for (Peer& peer : peers_) {
      auto& list = peer.in_flight ? peer.next_waiters : peer.in_flight_waiters;
      list.push_back([remaining, done] {
        if (--*remaining == 0) (*done)();
      });
    }
  }
  register_all();
}

void BrokerRegistrar::set_namesrv_addrs(const std::vector<std::string>& addrs) {
  std::vector<Peer> kept;
  for (Peer& peer : peers_) {
    if (std::find(addrs.begin(), addrs.end(), peer.addr) != addrs.end()) {
      kept.push_back(std::move(peer));
    } else {
      run_waiters(peer.in_flight_waiters);
      run_waiters(peer.next_waiters);
    }
  }
  std::vector<std::size_t> added;
  for (const auto& addr : addrs) {
    if (std::any_of(kept.begin(), kept.end(), [&addr](const Peer& p) { return p.addr == addr; })) continue;
    Peer peer;
    peer.addr = addr;
    added.push_back(kept.size());
    kept.push_back(std::move(peer));
  }
  peers_ = std::move(kept);
  if (topics_ == nullptr || stopping_) return;
  for (std::size_t index : added) register_with(index);
}

void BrokerRegistrar::run_waiters(std::vector<Waiter>& waiters) {
  std::vector<Waiter> ready = std::move(waiters);
  waiters.clear();
  for (auto& w : ready) w();
}

void BrokerRegistrar::register_all() {
  if (stopping_) return;
  for (std::size_t i = 0; i < peers_.size(); ++i) register_with(i);
}

void BrokerRegistrar::register_with(std::size_t index) {
  Peer& peer = peers_[index];
  if (peer.in_flight) {
    peer.again = true;
    return;
  }
  peer.in_flight = true;
  const std::size_t topic_count = topics_->topics.size();
  auto st = client_.invoke(
      peer.addr, make_register_broker_request(identity_, *topics_), kNamesrvCallTimeoutMs,
      [this, alive = alive_, addr = peer.addr, topic_count](Result<remoting::RemotingCommand> r) {
        if (!*alive) return;
        // Found by address: the list may have changed (set_namesrv_addrs) while this was in flight.
        const auto it = std::find_if(peers_.begin(), peers_.end(), [&addr](const Peer& p) { return p.addr == addr; });
        if (it == peers_.end()) return;
        const std::size_t index = static_cast<std::size_t>(it - peers_.begin());
        Peer& p = *it;
        p.in_flight = false;
        if (!r.ok()) {
          log_warn("register with NameServer {} failed: {}", p.addr, r.error().to_string());
        } else if (r->code != remoting::response_code::kSuccess) {
          log_warn("NameServer {} refused registration: code {} {}", p.addr, r->code, r->remark.value_or(""));
        } else {
          log_debug("registered with NameServer {} ({} topics)", p.addr, topic_count);
          if (on_registered_) {
            on_registered_(std::string(r->ext_fields.get("masterAddr").value_or("")),
                           std::string(r->ext_fields.get("haServerAddr").value_or("")));
          }
        }
        run_waiters(p.in_flight_waiters);
        if (p.again && !stopping_) {
          p.again = false;
          p.in_flight_waiters = std::move(p.next_waiters);
          p.next_waiters.clear();
          register_with(index);
        } else {
          run_waiters(p.next_waiters);  // stopping: no further registration will carry them
        }
      });
  if (!st.ok()) {
    peer.in_flight = false;
    log_warn("register with NameServer {} failed: {}", peer.addr, st.error().to_string());
    run_waiters(peer.in_flight_waiters);
  }
}

void BrokerRegistrar::unregister_all(std::function<void()> done) {
  stopping_ = true;
  if (timer_.valid()) reactor_.cancel_timer(timer_);
  timer_ = {};
  auto remaining = std::make_shared<std::size_t>(peers_.size());
  auto finish = std::make_shared<std::function<void()>>(std::move(done));
  if (peers_.empty()) return (*finish)();
  for (const Peer& peer : peers_) {
    auto on_answer = [alive = alive_, addr = &peer.addr, remaining, finish](Result<remoting::RemotingCommand> r) {
      if (*alive) {
        if (r.ok()) log_info("unregistered from NameServer {}", *addr);
        else log_warn("unregister from NameServer {} failed: {}", *addr, r.error().to_string());
      }
      if (--*remaining == 0) (*finish)();
    };
    auto st = client_.invoke(peer.addr, make_unregister_broker_request(identity_), kNamesrvCallTimeoutMs,
                             std::move(on_answer));
    if (!st.ok()) {
      log_warn("unregister from NameServer {} failed: {}", peer.addr, st.error().to_string());
      if (--*remaining == 0) (*finish)();
    }
  }
}

}  // namespace ringmq::broker
