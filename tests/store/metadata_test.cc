#include <doctest/doctest.h>

#include "store/file_util.h"
#include "store/metadata.h"
#include "test_util.h"

using namespace ringmq;
using namespace ringmq::store;
using namespace ringmq::store::testing;

TEST_CASE("metadata: consumer offsets read fastjson's unquoted integer keys and write standard JSON") {
  const std::string fastjson = R"({"offsetTable":{"TopicTest@please_rename_unique_group_name_4":{0:12,1:5,3:250},"%RETRY%g@g":{0:0}}})";
  auto t = decode_consumer_offsets(fastjson);
  REQUIRE(t.ok());
  CHECK(t->offsets.size() == 2);
  CHECK(t->offsets["TopicTest@please_rename_unique_group_name_4"][1] == 5);
  CHECK(t->offsets["TopicTest@please_rename_unique_group_name_4"][3] == 250);
  const std::string written = encode_consumer_offsets(*t);
  CHECK(written == R"({"offsetTable":{"%RETRY%g@g":{"0":0},"TopicTest@please_rename_unique_group_name_4":{"0":12,"1":5,"3":250}}})");
  CHECK(decode_consumer_offsets(written)->offsets == t->offsets);
}

TEST_CASE("metadata: subscription groups and delay offsets round-trip") {
  SubscriptionGroupTable g;
  SubscriptionGroupConfig c;
  c.group_name = "G";
  c.retry_max_times = 3;
  c.consume_broadcast_enable = false;
  g.groups["G"] = c;
  auto back = decode_subscription_groups(encode_subscription_groups(g));
  REQUIRE(back.ok());
  CHECK(back->groups["G"].retry_max_times == 3);
  CHECK(!back->groups["G"].consume_broadcast_enable);

  auto d = decode_delay_offsets(R"({"offsetTable":{1:0,2:17},"dataVersion":{}})");
  REQUIRE(d.ok());
  CHECK(d->offsets[2] == 17);
  CHECK(encode_delay_offsets(*d) == R"({"offsetTable":{"1":0,"2":17}})");
}

TEST_CASE("metadata: saves replace the file atomically and keep the previous version as .bak") {
  TempDir tmp;
  const std::string path = tmp.sub("consumerOffset.json");
  CHECK(load_config_file(path).error().code == Errc::not_found);
  REQUIRE(save_config_file(path, "{\"v\":1}").ok());
  REQUIRE(save_config_file(path, "{\"v\":2}").ok());
  CHECK(*read_whole_file(path) == "{\"v\":2}");
  CHECK(*read_whole_file(path + ".bak") == "{\"v\":1}");
  CHECK(!path_exists(path + ".tmp"));
  REQUIRE(remove_file(path).ok());
  CHECK(*load_config_file(path) == "{\"v\":1}");
}
