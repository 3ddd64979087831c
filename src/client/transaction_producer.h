// TransactionProducer: RocketMQ's TransactionMQProducer. A message is first sent as a half
// message (TRAN_MSG=true, invisible to consumers); the listener then runs the local transaction
// and its answer is sent to the broker as END_TRANSACTION (oneway), which delivers the message
// (commit), drops it (rollback) or keeps it pending (unknown). For a pending or lost answer the
// broker later sends CHECK_TRANSACTION_STATE; the listener's check_local_transaction answers it.
//
//   struct Listener : TransactionListener { ... };
//   ProducerConfig config; config.group = "tx_group";
//   TransactionProducer producer(config, std::make_shared<Listener>());
//   producer.start();
//   auto r = producer.send_message_in_transaction(Message("TopicTest", "TagA", "order 1"), &order);
//
// Threading: send_message_in_transaction may be called from any thread after start(); it runs
// execute_local_transaction on the caller's thread. check_local_transaction runs on the client's
// callback pool, possibly concurrently with sends.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "base/result.h"
#include "client/message.h"
#include "client/producer.h"

namespace ringmq::client {

enum class LocalTransactionState { commit_message, rollback_message, unknown };
const char* local_transaction_state_name(LocalTransactionState state);

class TransactionListener {
 public:
  virtual ~TransactionListener() = default;
  // Runs the local transaction of a half message just stored; `arg` is what the sender passed.
  virtual LocalTransactionState execute_local_transaction(const Message& msg, void* arg) = 0;
  // The broker asks about a half message still undecided after its transaction timeout.
  virtual LocalTransactionState check_local_transaction(const MessageExt& msg) = 0;
};

struct TransactionSendResult : SendResult {
  LocalTransactionState local_transaction_state = LocalTransactionState::unknown;
};

class TransactionProducer {
 public:
  TransactionProducer(ProducerConfig config, std::shared_ptr<TransactionListener> listener);
  ~TransactionProducer();
  TransactionProducer(const TransactionProducer&) = delete;
  TransactionProducer& operator=(const TransactionProducer&) = delete;

  Status start();
  void shutdown();
  Producer& producer() { return producer_; }

  // Java sendMessageInTransaction: the half message is sent synchronously; a send that failed
  // returns the error and runs nothing; a send not SEND_OK is rolled back without running the
  // listener. The END_TRANSACTION that follows is oneway: its loss is repaired by the check.
  Result<TransactionSendResult> send_message_in_transaction(Message msg, void* arg = nullptr);

 private:
  void on_check_request(const remoting::RemotingCommand& request);
  Status end_transaction(const std::string& broker_address, const remoting::RemotingCommand& request);

  void heartbeat_if_new(const std::string& broker_address);

  Producer producer_;
  std::shared_ptr<TransactionListener> listener_;
  std::mutex mutex_;
  std::set<std::string> heartbeat_brokers_;  // brokers sent a heartbeat since a send reached them
};

// The END_TRANSACTION request a producer sends (EndTransactionRequestHeader), pure so it can be
// tested: `commit_log_offset` and `tran_state_table_offset` name the half message.
struct EndTransactionFields {
  std::string producer_group;
  std::int64_t tran_state_table_offset = 0;
  std::int64_t commit_log_offset = 0;
  LocalTransactionState state = LocalTransactionState::unknown;
  bool from_transaction_check = false;
  std::string msg_id;
  std::string transaction_id;
};
remoting::RemotingCommand build_end_transaction_request(const EndTransactionFields& fields,
                                                        remoting::SerializeType type);

}  // namespace ringmq::client
