// TransactionProducer's END_TRANSACTION request (client/transaction_producer.h): the header Java's
// DefaultMQProducerImpl#endTransaction and #checkTransactionState send.
#include <doctest/doctest.h>

#include "client/transaction_producer.h"
#include "remoting/request_code.h"

using namespace ringmq;
using namespace ringmq::client;

TEST_CASE("end transaction request: each local state maps to its commitOrRollback code") {
  EndTransactionFields f;
  f.producer_group = "pg";
  f.tran_state_table_offset = 12;
  f.commit_log_offset = 4096;
  f.msg_id = "UNIQ";
  f.transaction_id = "TX";
  const struct {
    LocalTransactionState state;
    std::int64_t code;
  } rows[] = {{LocalTransactionState::commit_message, 8},
              {LocalTransactionState::rollback_message, 12},
              {LocalTransactionState::unknown, 0}};
  for (const auto& row : rows) {
    f.state = row.state;
    const auto request = build_end_transaction_request(f, remoting::SerializeType::json);
    CAPTURE(local_transaction_state_name(row.state));
    CHECK(request.code == remoting::request_code::kEndTransaction);
    CHECK(request.ext_fields.get_int64("commitOrRollback").value() == row.code);
    CHECK(request.ext_fields.get("producerGroup") == "pg");
    CHECK(request.ext_fields.get_int64("tranStateTableOffset").value() == 12);
    CHECK(request.ext_fields.get_int64("commitLogOffset").value() == 4096);
    CHECK(request.ext_fields.get("msgId") == "UNIQ");
    CHECK(request.ext_fields.get("transactionId") == "TX");
    CHECK(request.ext_fields.get("fromTransactionCheck") == "false");
  }
}

TEST_CASE("end transaction request: an answer to a check says so; no transaction id means none sent") {
  EndTransactionFields f;
  f.producer_group = "pg";
  f.state = LocalTransactionState::commit_message;
  f.from_transaction_check = true;
  const auto request = build_end_transaction_request(f, remoting::SerializeType::rocketmq);
  CHECK(request.ext_fields.get("fromTransactionCheck") == "true");
  CHECK_FALSE(request.ext_fields.get("transactionId").has_value());
}

TEST_CASE("local transaction states print as Java's enum names") {
  CHECK(std::string(local_transaction_state_name(LocalTransactionState::commit_message)) == "COMMIT_MESSAGE");
  CHECK(std::string(local_transaction_state_name(LocalTransactionState::rollback_message)) == "ROLLBACK_MESSAGE");
  CHECK(std::string(local_transaction_state_name(LocalTransactionState::unknown)) == "UNKNOW");
}
