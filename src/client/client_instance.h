// ClientInstance: the machinery every producer and consumer stands on (Java's MQClientInstance).
// It owns one reactor thread (an Engine with one unpinned core) that does all network I/O through
// an rpc::RemotingClient, a CallbackPool on which user-visible callbacks run, the route cache, and
// the heartbeat registry.
//
// Threading: every public method may be called from any thread. The RemotingClient and the timers
// live on the reactor thread only; calls reach it through Engine::post. The route cache and the
// heartbeat registry are guarded by mutexes. Callbacks given to schedule, and to invoke_async by
// default, run on the pool; the library's own short continuations (a pull's answer, an async
// send's result) may ask to run on the reactor thread instead, saving a thread hand-off per
// response. invoke_sync blocks its caller on a SyncWaiter (futex) while the reactor does the I/O,
// so on a reactor thread it fails at once (Errc::busy) instead of stalling the I/O it waits for.
//
// Lifetime: create() starts the threads; shutdown() (or the destructor) closes the connections,
// fails pending calls with Errc::closed, runs queued callbacks and joins everything.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/callback_pool.h"
#include "client/client_limits.h"
#include "client/heartbeat.h"
#include "client/top_addressing.h"
#include "client/topic_route.h"
#include "remoting/acl_signature.h"
#include "remoting/command.h"

namespace ringmq::reactor { class Engine; }
namespace ringmq::rpc { class RemotingClient; class ReplyContext; }

namespace ringmq::client {

struct ClientConfig {
  // "host:port;host:port". Empty: $NAMESRV_ADDR, then the address server below, then
  // 127.0.0.1:9876 (RocketMQ's order: code, then -Drocketmq.namesrv.addr / $NAMESRV_ADDR, then
  // the address server).
  std::string namesrv_addr;
  // Address server domain (Java's rocketmq.namesrv.domain), "host" or "host:port": the list is
  // fetched from ws_addr(domain, subgroup) at start and every namesrv_fetch_interval_ms, and
  // replaced when it changes. Empty: none.
  std::string namesrv_domain;
  std::string namesrv_domain_subgroup = std::string(kDefaultNamesrvSubgroup);
  std::int64_t namesrv_fetch_interval_ms = kNamesrvFetchIntervalMs;
  // Part of the client id (ip@instance_name). Empty: "<pid>#<nanoseconds>", unique per instance.
  std::string instance_name;
  // Empty: the first non-loopback IPv4 address, else 127.0.0.1.
  std::string client_ip;
  unsigned callback_threads = kDefaultCallbackThreads;
  // Header encoding of requests (JSON is Java's default; ROCKETMQ binary is cheaper to encode).
  remoting::SerializeType serialize_type = remoting::SerializeType::json;
  // ACL 1.0: every request is signed with these (AclClientRPCHook). An empty access key takes
  // $ROCKETMQ_ACCESS_KEY / $ROCKETMQ_SECRET_KEY / $ROCKETMQ_SECURITY_TOKEN; none at all: unsigned.
  remoting::AclCredentials credentials;
};

// `configured` if it has an access key, else the credentials in the environment (see above).
remoting::AclCredentials resolve_credentials(const remoting::AclCredentials& configured);

// The namesrv list in effect for `configured` (the rules of ClientConfig::namesrv_addr).
std::vector<std::string> resolve_namesrv_addrs(std::string_view configured);

class ClientInstance {
 public:
  using ResponseCallback = std::function<void(Result<remoting::RemotingCommand>)>;
  using ConsumerDataFn = std::function<ConsumerData()>;
  using RequestHandlerFn = std::function<void(const remoting::RemotingCommand& request)>;
  // Answers a broker's request with a response (code, remark, header, body; opaque set for it).
  using RequestResponderFn = std::function<remoting::RemotingCommand(const remoting::RemotingCommand& request)>;

  static Result<std::shared_ptr<ClientInstance>> create(ClientConfig config);
  ~ClientInstance();
  ClientInstance(const ClientInstance&) = delete;
  ClientInstance& operator=(const ClientInstance&) = delete;

  void shutdown();
  const std::string& client_id() const { return client_id_; }
  const ClientConfig& config() const { return config_; }
  remoting::SerializeType serialize_type() const { return config_.serialize_type; }

  // Where an async call's `done` runs.
  enum class RunOn {
    pool,       // the callback pool: user code, anything that may block or call synchronously
    io_thread,  // the reactor thread, as the response is read: short continuations that never
                // block (invoke_sync fails there); one thread wake-up less per response
  };

  // --- calls ---------------------------------------------------------------------------------
  // `done` runs once, where `run_on` says, iff this returns ok.
  Status invoke_async(std::string address, remoting::RemotingCommand request, std::int64_t timeout_ms,
                      ResponseCallback done, RunOn run_on = RunOn::pool);
  Result<remoting::RemotingCommand> invoke_sync(std::string address, remoting::RemotingCommand request,
                                                std::int64_t timeout_ms);
  Status invoke_oneway(std::string address, remoting::RemotingCommand request);
  // The NameServers in effect (fetched ones change over time).
  std::vector<std::string> namesrv_addrs() const;
  // Asks each NameServer in turn until one answers.
  Result<remoting::RemotingCommand> invoke_namesrv(remoting::RemotingCommand request, std::int64_t timeout_ms);

  // --- tasks ---------------------------------------------------------------------------------
  Status execute(std::function<void()> task) { return pool_->submit(std::move(task)); }
  // Whether the caller runs on a reactor thread (this client's or any other), where nothing may
  // block: RunOn::io_thread continuations check this before anything that might.
  static bool on_io_thread();
  // Runs `task` on the pool after `delay_ms`.
  Status schedule(std::int64_t delay_ms, std::function<void()> task);
  // Runs `task` on the pool every `interval_ms` until shutdown.
  Status schedule_periodic(std::int64_t interval_ms, std::function<void()> task);
  // Handles requests brokers send on our connections (e.g. NOTIFY_CONSUMER_IDS_CHANGED); the
  // handler runs on the pool. Oneway requests get no answer; others get SUCCESS.
  Status register_request_handler(std::int32_t code, RequestHandlerFn handler);
  // As above, but the answer is the responder's (GET_CONSUMER_RUNNING_INFO, CONSUME_MESSAGE_DIRECTLY,
  // GET_CONSUMER_STATUS_FROM_CLIENT); it runs on the pool and its response goes back from the reactor.
  Status register_request_responder(std::int32_t code, RequestResponderFn responder);

  // --- routes --------------------------------------------------------------------------------
  // Asks the NameServer and caches the answer. Errc::not_found when the topic has no route.
  Result<TopicRouteData> update_route(const std::string& topic);
  // The cached route, or the NameServer's when none is cached.
  Result<TopicRouteData> route(const std::string& topic);
  std::optional<TopicRouteData> cached_route(const std::string& topic) const;
  // Refreshes every cached route (the periodic poll runs this).
  void refresh_routes();

  // --- heartbeats ----------------------------------------------------------------------------
  void register_producer(const std::string& group);
  void unregister_producer(const std::string& group);
  void register_consumer(const std::string& group, ConsumerDataFn data);
  void unregister_consumer(const std::string& group);
  // Sends HEART_BEAT to every broker of every cached route (consumers: every replica; producers
  // only: masters) and waits for the answers. Errors: the last failure, if no broker answered.
  Status send_heartbeat_to_all_brokers();

 private:
  struct OutgoingCall;
  struct Periodic;

  explicit ClientInstance(ClientConfig config);
  Status start();
  Status submit(std::unique_ptr<OutgoingCall> call);
  void run_call(std::unique_ptr<OutgoingCall> call);  // reactor thread
  Status arm_periodic(std::shared_ptr<Periodic> periodic);
  void handle_broker_request(const remoting::RemotingCommand& request, rpc::ReplyContext& reply);
  std::vector<std::string> heartbeat_targets() const;
  bool uses_address_server() const;
  // Fetches the list from the address server and switches to it if it differs.
  Status fetch_namesrv_addrs();

  ClientConfig config_;
  std::vector<std::string> namesrv_addrs_;  // under routes_mutex_ (the address server replaces it)
  std::string client_id_;

  std::unique_ptr<reactor::Engine> engine_;
  rpc::RemotingClient* rpc_ = nullptr;  // reactor thread only; created and destroyed there
  std::unique_ptr<CallbackPool> pool_;
  std::mutex lifecycle_mutex_;
  bool shut_down_ = false;

  mutable std::mutex routes_mutex_;
  std::map<std::string, TopicRouteData> routes_;
  std::size_t namesrv_cursor_ = 0;  // under routes_mutex_

  mutable std::mutex registry_mutex_;
  std::vector<std::string> producer_groups_;
  std::map<std::string, ConsumerDataFn> consumers_;
  std::map<std::int32_t, RequestHandlerFn> handlers_;
  std::map<std::int32_t, RequestResponderFn> responders_;
};

}  // namespace ringmq::client
