#include "protocol/fastjson.h"

#include <doctest/doctest.h>

#include <string>

using ringmq::protocol::JsonValue;
using ringmq::protocol::parse_fastjson;
using ringmq::protocol::quote_numeric_keys;

TEST_CASE("fastjson: bare numeric map keys (Map<Long,String>) read as keys") {
  auto v = parse_fastjson(R"({"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"b"})");
  REQUIRE(v.ok());
  const JsonValue* addrs = v->get("brokerAddrs");
  REQUIRE(addrs != nullptr);
  CHECK(addrs->str("0") == "127.0.0.1:10911");
  CHECK(addrs->str("1") == "127.0.0.1:10921");
  CHECK(v->str("brokerName") == "b");
}

TEST_CASE("fastjson: MessageQueue objects as map keys keep their fields") {
  auto v = parse_fastjson(
      R"({"consumeTps":1.5,"offsetTable":{{"brokerName":"b","queueId":3,"topic":"T"}:{"brokerOffset":10,"consumerOffset":4}}})");
  REQUIRE(v.ok());
  CHECK(v->number("consumeTps") == doctest::Approx(1.5));
  const JsonValue* table = v->get("offsetTable");
  REQUIRE(table != nullptr);
  REQUIRE(table->members.size() == 1);
  const auto& [mq, offsets] = table->members.front();
  CHECK(mq.str("topic") == "T");
  CHECK(mq.int64("queueId") == 3);
  CHECK(offsets.int64("brokerOffset") - offsets.int64("consumerOffset") == 6);
}

TEST_CASE("fastjson: string escapes, including surrogate pairs, decode to UTF-8") {
  auto v = parse_fastjson(R"(["a\"b\\c\n","\u00e9","\ud83d\ude00"])");
  REQUIRE(v.ok());
  REQUIRE(v->items.size() == 3);
  CHECK(v->items[0].text == "a\"b\\c\n");
  CHECK(v->items[1].text == "\xc3\xa9");
  CHECK(v->items[2].text == "\xf0\x9f\x98\x80");
}

TEST_CASE("fastjson: truncated, trailing and over-deep input is refused") {
  CHECK(!parse_fastjson(R"({"a":1)").ok());
  CHECK(!parse_fastjson(R"({"a":1} x)").ok());
  CHECK(!parse_fastjson(R"("abc)").ok());
  CHECK(parse_fastjson(std::string(ringmq::protocol::kJsonDepthMax + 5, '[')).error().code == ringmq::Errc::too_large);
}

TEST_CASE("fastjson: absent or mistyped members fall back") {
  auto v = parse_fastjson(R"({"n":"text","b":true,"z":null})");
  REQUIRE(v.ok());
  CHECK(v->int64("n", 7) == 7);
  CHECK(v->int64("missing", -1) == -1);
  CHECK(v->flag("b"));
  CHECK(v->str("z", "none") == "none");
}

TEST_CASE("fastjson: quoting numeric keys leaves strings and values alone") {
  CHECK(quote_numeric_keys(R"({1:"a:2,{3:4}", "k":[1,2], -5 : 6})") == R"({"1":"a:2,{3:4}", "k":[1,2], "-5" : 6})");
  CHECK(quote_numeric_keys(R"({"0":"x"})") == R"({"0":"x"})");
}
