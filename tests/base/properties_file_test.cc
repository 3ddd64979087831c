#include <doctest/doctest.h>

#include "base/properties_file.h"

using namespace ringmq;

TEST_CASE("properties_file: a RocketMQ broker.conf parses into ordered key/value pairs") {
  auto props = parse_properties(
      "# comment\n"
      "brokerClusterName = DefaultCluster\n"
      "brokerName=broker-a\r\n"
      "! another comment\n"
      "\n"
      "brokerId: 0\n"
      "namesrvAddr=127.0.0.1:9876;127.0.0.2:9876\n");
  REQUIRE(props.ok());
  REQUIRE(props->size() == 4);
  CHECK((*props)[0] == std::pair<std::string, std::string>("brokerClusterName", "DefaultCluster"));
  CHECK((*props)[1].second == "broker-a");
  CHECK((*props)[2] == std::pair<std::string, std::string>("brokerId", "0"));
  CHECK((*props)[3].second == "127.0.0.1:9876;127.0.0.2:9876");
}

TEST_CASE("properties_file: a line without a separator is an error naming the line") {
  auto props = parse_properties("a=1\njunk\n");
  REQUIRE_FALSE(props.ok());
  CHECK(props.error().code == Errc::malformed);
  CHECK(props.error().detail.find("line 2") != std::string::npos);
}

TEST_CASE("properties_file: a missing file is an io error") {
  auto props = read_properties_file("/nonexistent/broker.conf");
  REQUIRE_FALSE(props.ok());
  CHECK(props.error().sys_errno == ENOENT);
}
