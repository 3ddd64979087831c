#include "cli/admin/admin_output.h"

#include <doctest/doctest.h>

#include "cli/admin/admin_command.h"
#include "protocol/fastjson.h"

using namespace ringmq::cli;
using ringmq::protocol::JsonValue;
using ringmq::protocol::parse_fastjson;

TEST_CASE("admin output: text tables align every column to its widest cell") {
  Output out;
  Table& t = out.table("queues", {{"#Broker Name", "brokerName"}, {"#QID", "queueId"}});
  t.add({"broker-a", std::int64_t{0}});
  t.add({"b", std::int64_t{12345678}});
  CHECK(out.render_text() ==
        "#Broker Name  #QID\n"
        "broker-a      0\n"
        "b             12345678\n");
}

TEST_CASE("admin output: --json keeps numbers as numbers and hides text-only columns") {
  Output out;
  Table& t = out.table("rows", {{"#Name", "name"}, {"#When", ""}, {"", "whenMs"}});
  t.add({"x", "2024-01-01", std::int64_t{5}});
  out.field("Diff Total", "diffTotal", std::int64_t{3});
  auto parsed = parse_fastjson(out.render_json());
  REQUIRE(parsed.ok());
  CHECK(parsed->int64("diffTotal") == 3);
  const JsonValue* rows = parsed->get("rows");
  REQUIRE(rows != nullptr);
  REQUIRE(rows->items.size() == 1);
  CHECK(rows->items[0].str("name") == "x");
  CHECK(rows->items[0].int64("whenMs") == 5);
  CHECK(rows->items[0].members.size() == 2);
  CHECK(out.render_text().find("whenMs") == std::string::npos);
}

TEST_CASE("admin: time arguments take milliseconds, now, and mqadmin's local-time form") {
  CHECK(*parse_time_arg("1700000000000") == 1700000000000);
  CHECK(*parse_time_arg("now") > 1700000000000);
  auto local = parse_time_arg("2024-03-01#10:20:30:456");
  REQUIRE(local.ok());
  CHECK(*local % 1000 == 456);
  CHECK(human_time_ms(*local) == "2024-03-01 10:20:30,456");
  CHECK(!parse_time_arg("yesterday").ok());
}
