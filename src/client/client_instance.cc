#include "client/client_instance.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "base/clock.h"
#include "base/log.h"
#include "client/sync_waiter.h"
#include "reactor/engine.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "rpc/remoting_client.h"

namespace ringmq::client {

namespace request_code = remoting::request_code;
using remoting::RemotingCommand;

namespace {

constexpr const char* kDefaultNamesrv = "127.0.0.1:9876";
// Broker-initiated requests a client answers (§15: what rocketmq-client-cpp handles).
constexpr std::int32_t kBrokerRequestCodes[] = {
    request_code::kNotifyConsumerIdsChanged, request_code::kCheckTransactionState,
    request_code::kResetConsumerClientOffset, request_code::kGetConsumerStatusFromClient,
    request_code::kGetConsumerRunningInfo, request_code::kConsumeMessageDirectly,
    request_code::kPushReplyMessageToClient};

std::string detect_client_ip() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "127.0.0.1";
  std::string found = "127.0.0.1";
  for (ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET) continue;
    auto* sin = reinterpret_cast<sockaddr_in*>(it->ifa_addr);
    if ((ntohl(sin->sin_addr.s_addr) >> 24) == 127) continue;
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
    found = text;
    break;
  }
  freeifaddrs(list);
  return found;
}

}  // namespace

std::vector<std::string> resolve_namesrv_addrs(std::string_view configured) {
  std::string text(configured);
  if (text.empty()) {
    const char* env = std::getenv("NAMESRV_ADDR");
    text = (env != nullptr && *env != '\0') ? env : kDefaultNamesrv;
  }
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    std::string one = text.substr(start, end - start);
    while (!one.empty() && one.back() == ' ') one.pop_back();
    while (!one.empty() && one.front() == ' ') one.erase(0, 1);
    if (!one.empty()) out.push_back(std::move(one));
    start = end + 1;
  }
  return out;
}

// One call on its way to the reactor thread. `done` runs on the reactor thread (the public
// methods wrap it to hop to the pool where needed).
struct ClientInstance::OutgoingCall {
  std::string address;
  RemotingCommand request;
  std::int64_t timeout_ms = 0;
  bool oneway = false;
  ResponseCallback done;
};

ClientInstance::ClientInstance(ClientConfig config) : config_(std::move(config)) {
  if (!uses_address_server()) namesrv_addrs_ = resolve_namesrv_addrs(config_.namesrv_addr);
  if (config_.instance_name.empty())
    config_.instance_name = fmt::format("{}#{}", ::getpid(), monotonic_ns());
  if (config_.client_ip.empty()) config_.client_ip = detect_client_ip();
  config_.credentials = resolve_credentials(config_.credentials);
  client_id_ = config_.client_ip + "@" + config_.instance_name;
}

Result<std::shared_ptr<ClientInstance>> ClientInstance::create(ClientConfig config) {
  std::shared_ptr<ClientInstance> instance(new ClientInstance(std::move(config)));
  if (instance->uses_address_server()) RINGMQ_TRY(instance->fetch_namesrv_addrs());
  RINGMQ_TRY(instance->start());
  ClientInstance* self = instance.get();
  if (instance->uses_address_server()) {
    RINGMQ_TRY(instance->schedule_periodic(instance->config_.namesrv_fetch_interval_ms, [self] {
      if (Status st = self->fetch_namesrv_addrs(); !st.ok()) log_warn("namesrv address server: {}", st.error().to_string());
    }));
  }
  RINGMQ_TRY(instance->schedule_periodic(kRouteRefreshIntervalMs, [self] { self->refresh_routes(); }));
  RINGMQ_TRY(instance->schedule_periodic(kHeartbeatIntervalMs, [self] {
    Status sent = self->send_heartbeat_to_all_brokers();
    if (!sent) log_debug("heartbeat: {}", sent.error().to_string());
  }));
  return instance;
}

ClientInstance::~ClientInstance() { shutdown(); }

bool ClientInstance::uses_address_server() const {
  if (!config_.namesrv_addr.empty() || config_.namesrv_domain.empty()) return false;
  const char* env = std::getenv("NAMESRV_ADDR");
  return env == nullptr || *env == '\0';
}

Status ClientInstance::fetch_namesrv_addrs() {
  const std::string url = ws_addr(config_.namesrv_domain, config_.namesrv_domain_subgroup);
  RINGMQ_TRY_ASSIGN(std::string text, fetch_namesrv_addr(url));
  std::vector<std::string> addrs = resolve_namesrv_addrs(text);
  if (text.empty() || addrs.empty()) return make_error(Errc::malformed, "address server " + url + ": empty answer");
  std::lock_guard lock(routes_mutex_);
  if (addrs == namesrv_addrs_) return {};
  log_info("namesrv address changed: {} (from {})", text, url);
  namesrv_addrs_ = std::move(addrs);
  namesrv_cursor_ = 0;
  return {};
}

std::vector<std::string> ClientInstance::namesrv_addrs() const {
  std::lock_guard lock(routes_mutex_);
  return namesrv_addrs_;
}

Status ClientInstance::start() {
  if (namesrv_addrs().empty()) return make_error(Errc::invalid_argument, "no NameServer address");
  pool_ = std::make_unique<CallbackPool>(config_.callback_threads, "rmq-cb", kCallbackQueueMax);
  reactor::EngineOptions options;
  options.cores = 1;
  options.pin_threads = false;
  engine_ = std::make_unique<reactor::Engine>(options);
  return engine_->start(
      [this](reactor::Reactor& reactor) {
        rpc_ = new rpc::RemotingClient(reactor);
        for (std::int32_t code : kBrokerRequestCodes) {
          rpc_->register_handler(code, [this](RemotingCommand request, rpc::ReplyContext reply) {
            handle_broker_request(request, reply);
          });
        }
      },
      [this](reactor::Reactor&) {
        delete rpc_;
        rpc_ = nullptr;
      });
}

void ClientInstance::shutdown() {
  {
    std::lock_guard lock(lifecycle_mutex_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  if (engine_) {
    engine_->stop();
    engine_->join();
  }
  if (pool_) pool_->shutdown();
}

remoting::AclCredentials resolve_credentials(const remoting::AclCredentials& configured) {
  if (configured.enabled()) return configured;
  auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value == nullptr ? "" : value);
  };
  return remoting::AclCredentials{env("ROCKETMQ_ACCESS_KEY"), env("ROCKETMQ_SECRET_KEY"), env("ROCKETMQ_SECURITY_TOKEN")};
}

Status ClientInstance::submit(std::unique_ptr<OutgoingCall> call) {
  // Signed here, on the caller's thread, once every header field is in place.
  remoting::acl_sign_request(call->request, config_.credentials);
  OutgoingCall* raw = call.release();
  // The task owns the call: if it never runs (post refused, engine stopping) it is freed unrun.
  struct Owner {
    std::unique_ptr<OutgoingCall> call;
  };
  Status posted = engine_->post(0, [this, owner = Owner{std::unique_ptr<OutgoingCall>(raw)}]() mutable {
    run_call(std::move(owner.call));
  });
  return posted;
}

void ClientInstance::run_call(std::unique_ptr<OutgoingCall> call) {
  if (rpc_ == nullptr) {
    if (call->done) call->done(make_error(Errc::closed, "client is shutting down"));
    return;
  }
  if (call->oneway) {
    Status sent = rpc_->invoke_oneway(call->address, std::move(call->request));
    if (!sent) log_debug("oneway to {} failed: {}", call->address, sent.error().to_string());
    return;
  }
  // `done` is called exactly once: by the RemotingClient if invoke() accepted the call, else here.
  auto* done = new ResponseCallback(std::move(call->done));
  Status sent = rpc_->invoke(call->address, std::move(call->request), call->timeout_ms,
                             [done](Result<RemotingCommand> response) {
                               std::unique_ptr<ResponseCallback> owned(done);
                               (*owned)(std::move(response));
                             });
  if (!sent) {
    std::unique_ptr<ResponseCallback> owned(done);
    (*owned)(sent.take_error());
  }
}

Status ClientInstance::invoke_async(std::string address, RemotingCommand request, std::int64_t timeout_ms,
                                    ResponseCallback done, RunOn run_on) {
  auto call = std::make_unique<OutgoingCall>();
  call->address = std::move(address);
  call->request = std::move(request);
  call->timeout_ms = timeout_ms;
  if (run_on == RunOn::io_thread) {
    call->done = std::move(done);
    return submit(std::move(call));
  }
  call->done = [this, done = std::move(done)](Result<RemotingCommand> response) {
    auto shared = std::make_shared<Result<RemotingCommand>>(std::move(response));
    Status queued = pool_->submit([done, shared] { done(std::move(*shared)); });
    // The pool is full or shut down: run it here rather than lose the outcome.
    if (!queued) done(std::move(*shared));
  };
  return submit(std::move(call));
}

Result<RemotingCommand> ClientInstance::invoke_sync(std::string address, RemotingCommand request,
                                                    std::int64_t timeout_ms) {
  // The reactor would have to read the answer this thread waits for.
  if (on_io_thread()) return make_error(Errc::busy, "synchronous call on a client I/O thread");
  struct Waiter {
    SyncWaiter ready;
    std::optional<Result<RemotingCommand>> response;
  };
  auto waiter = std::make_shared<Waiter>();
  auto call = std::make_unique<OutgoingCall>();
  call->address = std::move(address);
  call->request = std::move(request);
  call->timeout_ms = timeout_ms;
  call->done = [waiter](Result<RemotingCommand> response) {
    waiter->response.emplace(std::move(response));
    waiter->ready.signal();
  };
  RINGMQ_TRY(submit(std::move(call)));
  // The RemotingClient's own timer bounds the call; the extra second covers a stopping engine.
  if (!waiter->ready.wait_for(timeout_ms + 1000)) return make_error(Errc::timeout, "call timed out");
  return std::move(*waiter->response);
}

bool ClientInstance::on_io_thread() { return reactor::Reactor::current() != nullptr; }

Status ClientInstance::invoke_oneway(std::string address, RemotingCommand request) {
  auto call = std::make_unique<OutgoingCall>();
  call->address = std::move(address);
  call->request = std::move(request);
  call->oneway = true;
  return submit(std::move(call));
}

Result<RemotingCommand> ClientInstance::invoke_namesrv(RemotingCommand request, std::int64_t timeout_ms) {
  std::size_t first;
  std::vector<std::string> addrs;
  {
    std::lock_guard lock(routes_mutex_);
    first = namesrv_cursor_;
    addrs = namesrv_addrs_;
  }
  Error last = make_error(Errc::not_found, "no NameServer");
  for (std::size_t i = 0; i < addrs.size(); ++i) {
    const std::size_t index = (first + i) % addrs.size();
    auto response = invoke_sync(addrs[index], request, timeout_ms);
    if (response) {
      std::lock_guard lock(routes_mutex_);
      namesrv_cursor_ = index;
      return response;
    }
    last = response.take_error();
  }
  return last;
}

Status ClientInstance::schedule(std::int64_t delay_ms, std::function<void()> task) {
  auto owned = std::make_unique<std::function<void()>>(std::move(task));
  struct Owner {
    std::unique_ptr<std::function<void()>> task;
  };
  return engine_->post(0, [this, delay_ms, owner = Owner{std::move(owned)}]() mutable {
    auto timer = engine_->reactor(0).add_timer(delay_ms, [this, owner = std::move(owner)]() mutable {
      std::function<void()> fn = std::move(*owner.task);
      if (!pool_->submit(std::move(fn))) log_debug("scheduled task dropped: pool closed or full");
    });
    if (!timer) log_warn("client timer refused: {}", timer.error().to_string());
  });
}

// A periodic task. The pending timer holds the only reference; each run re-arms after the task,
// so a slow task never overlaps its next run, and after shutdown nothing re-arms and it is freed.
struct ClientInstance::Periodic {
  std::function<void()> task;
  std::int64_t interval_ms = 0;
};

Status ClientInstance::schedule_periodic(std::int64_t interval_ms, std::function<void()> task) {
  return arm_periodic(std::make_shared<Periodic>(Periodic{std::move(task), interval_ms}));
}

Status ClientInstance::arm_periodic(std::shared_ptr<Periodic> periodic) {
  const std::int64_t interval_ms = periodic->interval_ms;
  return schedule(interval_ms, [this, periodic] {
    periodic->task();
    std::lock_guard lock(lifecycle_mutex_);
    if (!shut_down_) (void)arm_periodic(periodic);
  });
}

Status ClientInstance::register_request_handler(std::int32_t code, RequestHandlerFn handler) {
  std::lock_guard lock(registry_mutex_);
  handlers_[code] = std::move(handler);
  return {};
}

Status ClientInstance::register_request_responder(std::int32_t code, RequestResponderFn responder) {
  std::lock_guard lock(registry_mutex_);
  responders_[code] = std::move(responder);
  return {};
}

void ClientInstance::handle_broker_request(const RemotingCommand& request, rpc::ReplyContext& reply) {
  RequestHandlerFn handler;
  RequestResponderFn responder;
  {
    std::lock_guard lock(registry_mutex_);
    auto it = handlers_.find(request.code);
    if (it != handlers_.end()) handler = it->second;
    auto r = responders_.find(request.code);
    if (r != responders_.end()) responder = r->second;
  }
  if (responder) {
    // The reply context belongs to the reactor thread: the answer computed on the pool is posted back.
    auto context = std::make_shared<rpc::ReplyContext>(std::move(reply));
    auto copy = std::make_shared<RemotingCommand>(request);
    (void)pool_->submit([this, responder, copy, context] {
      auto response = std::make_shared<RemotingCommand>(responder(*copy));
      (void)engine_->post(0, [context, response] { (void)context->reply(std::move(*response)); });
    });
    return;
  }
  if (!handler) {
    (void)reply.reply(remoting::response_code::kRequestCodeNotSupported, "not supported by this client");
    return;
  }
  auto copy = std::make_shared<RemotingCommand>(request);
  (void)pool_->submit([handler, copy] { handler(*copy); });
  (void)reply.reply(remoting::response_code::kSuccess);
}

}  // namespace ringmq::client
