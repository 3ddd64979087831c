// BrokerSeam: a real broker (BrokerRuntime: store, cores, group commit, long polling, handler
// tables) inside the test process, its processors driven without sockets or child processes, as
// tests/namesrv drives NamesrvProcessor.
//
// A request is handed to a core's handler table on that core (RemotingServer::dispatch_in_process);
// the reply comes back through rpc::ReplySink from whichever core answers, after the same
// cross-core hops a connection's reply takes. The sink encodes each reply into the frame a
// connection would carry (borrowed CommitLog slices included) and decodes that frame again, so a
// test reads what a client reads.
//
// The store lives in a fresh temp dir with small segments, removed with the seam. The broker
// listens on 127.0.0.1 at a port the kernel picks (nobody connects) and registers with no
// NameServer.
//
// Threading: every member is called from the test thread. The sink runs on core threads and only
// records (failures through CORE_CHECK, reported by CHECK_CORE_CHECKS on the test thread).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../store/test_util.h"
#include "base/result.h"
#include "broker/broker_config.h"
#include "protocol/stored_message.h"
#include "remoting/command.h"
#include "rpc/reply_context.h"

namespace ringmq::broker {
class BrokerRuntime;
}

namespace ringmq::broker::testing {

// How long the seam waits for one reply or one task on a core before giving up (a bound for a
// test that would otherwise hang, never an expected duration).
inline constexpr std::chrono::milliseconds kSeamWaitMax{10'000};
// CommitLog segment size of a seam's store: small, so a few records cross a segment boundary.
inline constexpr std::size_t kSeamSegmentBytes = 64 * 1024;

// Replies captured on the cores, each decoded from the frame a connection would have carried.
class ReplyCapture : public rpc::ReplySink {
 public:
  void on_reply(remoting::RemotingCommand response, std::span<const Bytes> borrowed) override;
  // The reply to `opaque` once it arrives, or nullopt after `wait`.
  std::optional<remoting::RemotingCommand> wait_for(std::int32_t opaque, std::chrono::milliseconds wait);
  // Whether the reply to `opaque` has arrived (without waiting).
  bool arrived(std::int32_t opaque);
  // The opaques answered so far, in the order their replies arrived.
  std::vector<std::int32_t> arrival_order();

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::int32_t, remoting::RemotingCommand> replies_;
  std::vector<std::int32_t> order_;
};

class BrokerSeam {
 public:
  // `cores` engine cores (store shards); `tune` adjusts the test config before the broker starts.
  explicit BrokerSeam(unsigned cores, const std::function<void(BrokerConfig&)>& tune = {});
  // Stops the broker if still running; the temp dir goes after it.
  ~BrokerSeam();
  BrokerSeam(const BrokerSeam&) = delete;
  BrokerSeam& operator=(const BrokerSeam&) = delete;

  // Opens the store and starts the cores.
  Status start();
  // Stops the cores and closes the store (as SIGTERM does, without a signal). Idempotent.
  Status stop();

  // Hands `request` (its opaque replaced by a fresh one, returned) to the handler table of `core`,
  // on that core. `after`, if given, runs on that core right after the handler returns, in the
  // same task (e.g. to keep the core busy before its next loop pass).
  std::int32_t submit(remoting::RemotingCommand request, unsigned core = 0, std::function<void()> after = {});
  std::optional<remoting::RemotingCommand> wait_reply(std::int32_t opaque,
                                                      std::chrono::milliseconds wait = kSeamWaitMax) {
    return capture_.wait_for(opaque, wait);
  }
  // submit + wait_reply.
  std::optional<remoting::RemotingCommand> call(remoting::RemotingCommand request, unsigned core = 0) {
    return wait_reply(submit(std::move(request), core));
  }
  ReplyCapture& capture() { return capture_; }

  // Runs `fn` on `core` and waits for it; false if it did not run within kSeamWaitMax.
  bool run_on_core(unsigned core, std::function<void()> fn);
  BrokerRuntime& runtime() { return *runtime_; }
  const BrokerConfig& config() const { return config_; }

 private:
  // Declared in this order so the broker goes first, then the sink its parked replies name, then
  // the store's directory.
  store::testing::TempDir dir_;
  BrokerConfig config_;
  ReplyCapture capture_;
  std::unique_ptr<BrokerRuntime> runtime_;
  std::int32_t next_opaque_ = 1;
  bool started_ = false;
  bool stopped_ = false;
};

// --- requests, built with the project's header encoders ---

// SEND_MESSAGE_V2 (or SEND_MESSAGE with `code`) of one message; `properties` in RocketMQ's
// encoding (remoting::MessageProperties::encode). defaultTopic TBW102 with 4 queues, as clients send.
remoting::RemotingCommand send_request(std::string_view topic, std::int32_t queue_id, std::string_view body,
                                       std::string_view properties = {}, std::int32_t code = 0);
// PULL_MESSAGE with the subscription "*" in the request; a long poll of `suspend_ms` when > 0.
remoting::RemotingCommand pull_request(std::string_view group, std::string_view topic, std::int32_t queue_id,
                                       std::int64_t offset, std::int32_t max_msg_nums = 32,
                                       std::int64_t suspend_ms = 0);
// CONSUMER_SEND_MSG_BACK of the record at CommitLog `offset`, as the Java consumer sends it.
remoting::RemotingCommand send_back_request(std::int64_t offset, std::string_view group, std::int32_t delay_level,
                                            std::int32_t max_reconsume_times);
// UPDATE_AND_CREATE_TOPIC with `queues` read and write queues.
remoting::RemotingCommand create_topic_request(std::string_view topic, std::int32_t queues);

// The records of a PULL reply body, in order; views point into `body`.
Result<std::vector<protocol::StoredMessage>> decode_records(const std::string& body);
// One property of a stored record, or "" when absent.
std::string property_of(const protocol::StoredMessage& m, std::string_view key);
inline std::string body_of(const protocol::StoredMessage& m) {
  return std::string(reinterpret_cast<const char*>(m.body.data()), m.body.size());
}

}  // namespace ringmq::broker::testing
