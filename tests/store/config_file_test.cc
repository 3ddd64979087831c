#include <doctest/doctest.h>

#include "store/config_file.h"
#include "store/file_util.h"
#include "test_util.h"

using namespace ringmq;
using namespace ringmq::store;
using namespace ringmq::store::testing;

TEST_CASE("config_file: saves replace the file atomically and keep the previous version as .bak") {
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
  // A main file the caller rejects falls back to the .bak too (untouched: there was no main file).
  REQUIRE(save_config_file(path, "{\"v\":3}").ok());
  CHECK(*load_config_file(path, [](std::string_view json) { return json != "{\"v\":3}"; }) == "{\"v\":1}");
}
