// A transactional producer a new user can copy: each message is stored as a half message, the
// local transaction runs, and only a committed one reaches consumers. Orders with an odd number
// answer "unknown" first, so the broker checks back (after transactionTimeOut, every
// transactionCheckInterval) and check_local_transaction settles them.
//   NAMESRV_ADDR=127.0.0.1:9876 ./example_transaction_producer [topic]
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "client/transaction_producer.h"

using namespace ringmq::client;

class OrderListener : public TransactionListener {
 public:
  LocalTransactionState execute_local_transaction(const Message& msg, void* arg) override {
    const int order = *static_cast<int*>(arg);
    std::lock_guard lock(mutex_);
    // Even orders decide at once; odd ones are still "in progress" and decided when checked.
    states_[std::string(msg.property("UNIQ_KEY"))] = order % 2 == 0 ? LocalTransactionState::commit_message
                                                                     : LocalTransactionState::unknown;
    return states_[std::string(msg.property("UNIQ_KEY"))];
  }

  LocalTransactionState check_local_transaction(const MessageExt& msg) override {
    std::lock_guard lock(mutex_);
    std::printf("broker checks %s\n", std::string(msg.msg_id()).c_str());
    return LocalTransactionState::commit_message;  // the local transaction finished meanwhile
  }

 private:
  std::mutex mutex_;
  std::map<std::string, LocalTransactionState> states_;
};

int main(int argc, char** argv) {
  const std::string topic = argc > 1 ? argv[1] : "TopicTest";
  ProducerConfig config;
  config.group = "example_transaction_producer";  // NameServer: $NAMESRV_ADDR, else 127.0.0.1:9876
  TransactionProducer producer(config, std::make_shared<OrderListener>());
  if (auto started = producer.start(); !started) {
    std::fprintf(stderr, "start: %s\n", started.error().to_string().c_str());
    return 1;
  }
  for (int order = 0; order < 4; ++order) {
    auto result = producer.send_message_in_transaction(Message(topic, "TagA", "order " + std::to_string(order)), &order);
    if (!result) {
      std::fprintf(stderr, "send: %s\n", result.error().to_string().c_str());
      continue;
    }
    std::printf("%s msgId=%s local=%s\n", send_status_name(result->send_status), result->msg_id.c_str(),
                local_transaction_state_name(result->local_transaction_state));
  }
  // Stay up long enough for the broker's check (default: 6 s timeout, checked every 60 s).
  std::this_thread::sleep_for(std::chrono::seconds(argc > 2 ? std::stoi(argv[2]) : 70));
  producer.shutdown();
  return 0;
}
