// SEND_BATCH_MESSAGE bodies (§5.5): the client-encoded inner messages with magic code 0.
#include <doctest/doctest.h>

#include "remoting/batch_body.h"
#include "remoting/codec.h"
#include "remoting/message_properties.h"
#include "remoting/request_code.h"
#include "wire_testdata.h"

using namespace ringmq;
using namespace ringmq::remoting;
using namespace ringmq::remoting::testing;

namespace {

// The first SEND_BATCH_MESSAGE of SimpleBatchProducer (JSON, 3 messages to BatchTest).
RemotingCommand first_batch_request() {
  for (const auto& f : load_frames("05b-java-batch-producers.jsonl")) {
    if (f.code != request_code::kSendBatchMessage || f.flag != 0 || f.serialize != "json") continue;
    auto cmd = decode_frame(as_bytes(f.frame));
    REQUIRE(cmd.ok());
    return std::move(cmd).value();
  }
  FAIL("no SEND_BATCH_MESSAGE in 05b");
  return {};
}

}  // namespace

TEST_CASE("batch_body: a real Java batch splits into its 3 messages and re-encodes byte for byte") {
  const RemotingCommand req = first_batch_request();
  CHECK(req.ext_fields.get("b") == "BatchTest");
  CHECK(req.ext_fields.get("m") == "true");
  auto messages = decode_batch_body(req.body);
  REQUIRE_MESSAGE(messages.ok(), messages.error().to_string());
  REQUIRE(messages->size() == 3);
  std::string again;
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const BatchMessage& m = (*messages)[i];
    CHECK(m.flag == 0);
    CHECK(m.body == "Hello world " + std::to_string(i));
    const auto props = MessageProperties::decode(m.properties);
    CHECK(props.get("KEYS") == "OrderID00" + std::to_string(i + 1));
    CHECK(props.get("TAGS") == "Tag");
    CHECK(props.get("UNIQ_KEY")->ends_with("000" + std::to_string(i)));
    REQUIRE(append_batch_message(m, again).ok());
  }
  CHECK(again == req.body);
}

TEST_CASE("batch_body: every ROCKETMQ benchmark batch in the capture decodes") {
  std::size_t batches = 0;
  for (const auto& f : load_frames("05b-java-batch-producers.jsonl")) {
    if (f.code != request_code::kSendBatchMessage || f.flag != 0) continue;
    auto cmd = decode_frame(as_bytes(f.frame));
    REQUIRE(cmd.ok());
    auto messages = decode_batch_body(cmd->body);
    REQUIRE(messages.ok());
    CHECK(!messages->empty());
    ++batches;
  }
  CHECK(batches == 21);
}

TEST_CASE("batch_body: truncated, negative, inconsistent and empty bodies are errors") {
  std::string good;
  REQUIRE(append_batch_message({7, "body", "TAGS\x01" "a"}, good).ok());
  REQUIRE(append_batch_message({0, "", ""}, good).ok());
  REQUIRE(decode_batch_body(good).ok());
  CHECK(decode_batch_body(good)->size() == 2);

  CHECK(decode_batch_body("").error().code == Errc::malformed);
  for (std::size_t n = 1; n < good.size(); ++n) {
    auto r = decode_batch_body(std::string_view(good).substr(0, n));
    if (n == 32) continue;  // exactly the first message
    CAPTURE(n);
    CHECK_FALSE(r.ok());
  }
  std::string bad = good;
  store_be32(bad.data() + 16, 0xFFFFFFFFu);  // negative BODYLEN
  CHECK_FALSE(decode_batch_body(bad).ok());
  bad = good;
  store_be32(bad.data(), 33);  // TOTALSIZE disagrees
  CHECK_FALSE(decode_batch_body(bad).ok());
  bad = good;
  store_be16(bad.data() + 24, 0x8000);  // negative PROPLEN
  CHECK_FALSE(decode_batch_body(bad).ok());

  std::string too_big;
  CHECK(append_batch_message({0, "", std::string(kPropertiesBytesMax + 1, 'p')}, too_big).error().code ==
        Errc::invalid_argument);
  CHECK(too_big.empty());
}
