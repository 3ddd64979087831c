// PullAPIWrapper: one PULL_MESSAGE call (§6.4) and the processing of its answer: status mapping,
// record decoding, client-side exact tag filtering, MIN_OFFSET/MAX_OFFSET properties, and the
// broker's suggestion of which replica to pull from next (§12.4), remembered per queue.
//
// Threading: any thread. The suggestion table is guarded by a mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "base/result.h"
#include "client/client_instance.h"
#include "client/heartbeat.h"
#include "client/message.h"
#include "remoting/command.h"

namespace ringmq::client {

struct PullRequestArgs {
  MessageQueue mq;
  const SubscriptionData* subscription = nullptr;  // tags filter; expression sent if send_expression
  bool send_expression = true;                     // FLAG_SUBSCRIPTION (pull consumers set it)
  std::int64_t offset = 0;
  std::int32_t max_nums = 32;
  std::int64_t commit_offset = 0;                  // FLAG_COMMIT_OFFSET when > 0 and on a master
  std::int64_t suspend_timeout_ms = 0;             // FLAG_SUSPEND when > 0
  std::int64_t timeout_ms = 0;                     // the call's timeout
};

class PullAPIWrapper {
 public:
  PullAPIWrapper(ClientInstance& instance, std::string group) : instance_(instance), group_(std::move(group)) {}

  using PullCallback = std::function<void(Result<PullResult>)>;
  // `done` runs on the pool iff this returns ok.
  // `done` runs where `run_on` says (ClientInstance::RunOn): the push consumer takes its answers
  // on the I/O thread, a user's pull callback runs on the pool.
  Status pull_async(const PullRequestArgs& args, PullCallback done,
                    ClientInstance::RunOn run_on = ClientInstance::RunOn::pool);
  Result<PullResult> pull_sync(const PullRequestArgs& args);

 private:
  struct Target {
    std::string address;
    bool is_slave = false;
  };
  Result<Target> target(const MessageQueue& mq);
  Result<remoting::RemotingCommand> build(const PullRequestArgs& args, const Target& target) const;
  Result<PullResult> process(const MessageQueue& mq, const SubscriptionData* subscription,
                             Result<remoting::RemotingCommand> response);

  ClientInstance& instance_;
  const std::string group_;
  std::mutex mutex_;
  std::unordered_map<MessageQueue, std::int64_t, MessageQueueHash> suggested_broker_id_;
};

}  // namespace ringmq::client
