// TransactionalMessageCheckService: finds half messages that have waited longer than
// transactionTimeOut without a decision and asks their producer group (RocketMQ
// B/transaction/TransactionalMessageCheckService.java + TransactionalMessageServiceImpl#check), on
// a core-0 timer instead of a service thread.
//
// Owner: core 0 (it owns the producer table and the consumer offsets). A round every
// transactionCheckInterval, never two at once:
//   core 0  reads the CID_SYS_RMQ_TRANS offsets of the half and op queues;
//   core O  (owner of RMQ_SYS_TRANS_OP_HALF_TOPIC queue 0) reads the op entries from its offset;
//   core H  (owner of RMQ_SYS_TRANS_HALF_TOPIC queue 0) reads up to kHalfMessagesPerCheckMax half
//           messages, plans the round (transaction_check_plan.h) and re-puts the half messages to
//           check (TRANSACTION_CHECK_TIMES + 1) or to keep immune, at the end of the half queue;
//   core 0  commits both offsets, moves discarded messages to TRANS_CHECK_MAX_TIME_TOPIC, and sends
//           CHECK_TRANSACTION_STATE oneway to one live connection of each message's producer
//           group, from that connection's core. A group with no connection is logged; its message
//           was re-put already, so the next round asks again (until transactionCheckMax).
//
// Restart: the offsets persist in consumerOffset.json, so a round resumes where the last committed
// one ended; a crash before the commit repeats a round (a producer may be asked twice, as in
// RocketMQ).
#pragma once

#include <cstdint>
#include <memory>

#include "reactor/reactor.h"

namespace ringmq::broker {

class BrokerRuntime;

class TransactionalMessageCheckService {
 public:
  explicit TransactionalMessageCheckService(BrokerRuntime& rt) : rt_(rt) {}
  ~TransactionalMessageCheckService();
  TransactionalMessageCheckService(const TransactionalMessageCheckService&) = delete;
  TransactionalMessageCheckService& operator=(const TransactionalMessageCheckService&) = delete;

  // On core 0: arms the periodic check.
  void start();
  // On core 0: one round now, unless one is running.
  void check();

  struct Round;

 private:
  void finish(std::shared_ptr<Round> round);

  BrokerRuntime& rt_;
  reactor::TimerId timer_;
  bool in_flight_ = false;
  // Cleared on destruction so a round still crossing cores does nothing at its end.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ringmq::broker
