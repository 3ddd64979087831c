#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "cli/broker_flags.h"

using namespace ringmq;
using namespace ringmq::cli;

namespace {
// Parses argv through a fresh CLI11 app, as `ringmq broker` does.
Result<broker::BrokerConfig> parse(std::vector<std::string> args) {
  CLI::App app;
  BrokerFlags flags;
  add_broker_flags(app, flags);
  std::vector<const char*> argv{"broker"};
  for (auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  return resolve_broker_config(flags);
}

std::string write_temp_conf(const std::string& text) {
  char path[] = "/tmp/ringmq_conf_XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  std::FILE* f = fdopen(fd, "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return path;
}
}  // namespace

TEST_CASE("broker flags: broker.conf keys apply, and flags win over them") {
  const std::string path = write_temp_conf(
      "brokerClusterName=C1\nbrokerName=broker-x\nlistenPort=20911\nflushDiskType=SYNC_FLUSH\n"
      "namesrvAddr=127.0.0.1:1;127.0.0.1:2\nmapedFileSizeCommitLog=65536\nfileReservedTime=5\n"
      "maxMessageSize=1024\nmessageDelayLevel=1s 2s 3s\nunknownKey=1\n");
  auto config = parse({"-c", path, "--broker-name", "from-flag"});
  std::remove(path.c_str());
  REQUIRE(config.ok());
  CHECK(config->cluster_name == "C1");
  CHECK(config->broker_name == "from-flag");
  CHECK(config->listen_port == 20911);
  CHECK(config->flush_mode == broker::FlushMode::sync_flush);
  CHECK(config->namesrv_addrs == std::vector<std::string>{"127.0.0.1:1", "127.0.0.1:2"});
  CHECK(config->commit_log_segment_bytes == 65536);
  CHECK(config->retention_hours == 5);
  CHECK(config->delay_levels == "1s 2s 3s");
}

TEST_CASE("broker flags: --delay-levels wins over messageDelayLevel") {
  const std::string path = write_temp_conf("messageDelayLevel=1s 2s\n");
  auto config = parse({"-c", path, "--delay-levels", "5s 10s"});
  std::remove(path.c_str());
  REQUIRE(config.ok());
  CHECK(config->delay_levels == "5s 10s");
}

TEST_CASE("broker flags: --listen wins over listenPort, and a non-zero id makes a slave") {
  const std::string path = write_temp_conf("listenPort=20911\nbrokerId=1\n");
  auto config = parse({"-c", path, "--listen", "127.0.0.1:30911"});
  std::remove(path.c_str());
  REQUIRE(config.ok());
  CHECK(config->listen_host == "127.0.0.1");
  CHECK(config->listen_port == 30911);
  CHECK(config->role == broker::BrokerRole::slave);
}

TEST_CASE("broker flags: replication keys from broker.conf (issue 14)") {
  const std::string path = write_temp_conf(
      "brokerRole=SYNC_MASTER\nhaListenPort=20912\nhaSlaveFallbehindMax=1048576\nhaMasterAddress=10.0.0.1:10912\n");
  auto config = parse({"-c", path});
  std::remove(path.c_str());
  REQUIRE(config.ok());
  CHECK(config->role == broker::BrokerRole::sync_master);
  CHECK(config->ha_listen_port == 20912);
  CHECK(config->ha_slave_fallbehind_max == 1048576);
  CHECK(config->ha_master_address == "10.0.0.1:10912");
  auto defaults = parse({});
  REQUIRE(defaults.ok());
  CHECK(defaults->ha_listen_port == -1);  // listenPort + 1
  CHECK(defaults->ha_slave_fallbehind_max == 256 * 1024 * 1024);
}

TEST_CASE("broker flags: NAMESRV_ADDR is used when no NameServer is configured") {
  setenv("NAMESRV_ADDR", "127.0.0.1:9876", 1);
  auto config = parse({});
  unsetenv("NAMESRV_ADDR");
  REQUIRE(config.ok());
  CHECK(config->namesrv_addrs == std::vector<std::string>{"127.0.0.1:9876"});
}

TEST_CASE("broker flags: bad values are clear errors") {
  CHECK_FALSE(parse({"--flush", "sometimes"}).ok());
  CHECK_FALSE(parse({"--listen", "nohostport"}).ok());
  const std::string path = write_temp_conf("flushDiskType=MAYBE\n");
  auto config = parse({"-c", path});
  std::remove(path.c_str());
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().detail.find("flushDiskType") != std::string::npos);
}

// Each value the broker or its store would assert on (or misbehave with) is refused when read,
// naming the key and the value; `ringmq broker` then exits 2 (tests/integration/config_test.py).
TEST_CASE("broker flags: every checked key refuses an out-of-range value by name") {
  struct Bad {
    std::vector<std::string> args;
    const char* key;
    const char* value;
  };
  const std::vector<Bad> cases = {
      {{"--segment-bytes", "5000000000"}, "mapedFileSizeCommitLog", "5000000000"},
      {{"--segment-bytes", "4096"}, "mapedFileSizeCommitLog", "4096"},
      {{"--max-message-bytes", "0"}, "maxMessageSize", "0"},
      {{"--segment-bytes", "1048576", "--max-message-bytes", "1048576"}, "maxMessageSize", "1048576"},
      {{"--retention-hours=-1"}, "fileReservedTime", "-1"},
      {{"--page-cache-keep-mb=-1"}, "pageCacheKeepMb", "-1"},
      {{"--idle-poll-us=1001"}, "idlePollUs", "1001"},
      {{"--idle-poll-us=-1"}, "idlePollUs", "-1"},
      {{"--disk-max-used-ratio", "5"}, "diskMaxUsedSpaceRatio", "5"},
      {{"--disk-clean-forcibly-ratio", "96"}, "diskSpaceCleanForciblyRatio", "96"},
      {{"--disk-warning-ratio", "100"}, "diskSpaceWarningLevelRatio", "100"},
      {{"--delete-when", "25"}, "deleteWhen", "25"},
      {{"--delete-when", "04;x"}, "deleteWhen", "04;x"},
      {{"--sync-flush-timeout", "0"}, "syncFlushTimeout", "0"},
      {{"--flush-interval", "0"}, "flushIntervalCommitLog", "0"},
      {{"--broker-id=-2"}, "brokerId", "-2"},
      {{"--cores", "65"}, "cores", "65"},
      {{"--broker-name", ""}, "brokerName", "''"},
      {{"--cluster", ""}, "brokerClusterName", "''"},
      {{"--store", ""}, "storePathRootDir", "''"},
      {{"--transaction-timeout=-1"}, "transactionTimeOut", "-1"},
      {{"--transaction-check-interval", "0"}, "transactionCheckInterval", "0"},
      {{"--transaction-check-max", "0"}, "transactionCheckMax", "0"},
      {{"--transaction-check-max", "1001"}, "transactionCheckMax", "1001"},
      {{"--ha-listen-port", "70000"}, "haListenPort", "70000"},
      {{"--ha-slave-fallbehind-max", "0"}, "haSlaveFallbehindMax", "0"},
      {{"--role", "slave"}, "brokerId", "0"},
      {{"--ha-master-address", "nohostport"}, "haMasterAddress", "nohostport"},
  };
  for (const Bad& c : cases) {
    CAPTURE(std::string(c.key));
    INFO(c.args[0]);
    auto config = parse(c.args);
    REQUIRE(!config.ok());
    CHECK(config.error().code == Errc::invalid_argument);
    CHECK(config.error().detail.find(c.key) != std::string::npos);
    CHECK(config.error().detail.find(c.value) != std::string::npos);
  }
}

TEST_CASE("broker flags: broker.conf values are range-checked too") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"mapedFileSizeCommitLog=5000000000\n", "mapedFileSizeCommitLog"},
      {"defaultTopicQueueNums=0\n", "defaultTopicQueueNums"},
      {"registerNameServerPeriod=10\n", "registerNameServerPeriod"},
      {"channelExpiredTimeout=0\n", "channelExpiredTimeout"},
      {"shortPollingTimeMills=0\n", "shortPollingTimeMills"},
      {"diskSpaceWarningLevelRatio=5\n", "diskSpaceWarningLevelRatio"},
      {"deleteWhen=\n", "deleteWhen"},
      {"transactionCheckMax=0\n", "transactionCheckMax"},
      {"transactionCheckInterval=-5\n", "transactionCheckInterval"},
      {"transactionTimeOut=x\n", "transactionTimeOut"},
  };
  for (const auto& [text, key] : cases) {
    CAPTURE(key);
    const std::string path = write_temp_conf(text);
    auto config = parse({"-c", path});
    std::remove(path.c_str());
    REQUIRE(!config.ok());
    CHECK(config.error().detail.find(key) != std::string::npos);
  }
  // The defaults and RocketMQ's usual values pass.
  const std::string path = write_temp_conf("deleteWhen=04;16\ndiskMaxUsedSpaceRatio=88\nmapedFileSizeCommitLog=1073741824\n");
  auto config = parse({"-c", path});
  std::remove(path.c_str());
  REQUIRE(config.ok());
  CHECK(config->delete_when == "04;16");
  CHECK(config->disk_max_used_percent == 88);
}

TEST_CASE("broker flags: the transaction keys of broker.conf and their flags, flags winning") {
  const std::string path =
      write_temp_conf("transactionTimeOut=3000\ntransactionCheckInterval=20000\ntransactionCheckMax=5\n");
  auto config = parse({"-c", path, "--transaction-check-max", "7"});
  std::remove(path.c_str());
  REQUIRE(config.ok());
  CHECK(config->transaction_timeout_ms == 3000);
  CHECK(config->transaction_check_interval_ms == 20000);
  CHECK(config->transaction_check_max == 7);
  auto defaults = parse({});
  REQUIRE(defaults.ok());
  CHECK(defaults->transaction_timeout_ms == 6000);
  CHECK(defaults->transaction_check_interval_ms == 60000);
  CHECK(defaults->transaction_check_max == 15);
}

TEST_CASE("broker flags: aclEnable in broker.conf reads $ROCKETMQ_HOME/conf/plain_acl.yml; --acl-file names another") {
  char home[] = "/tmp/ringmq_home_XXXXXX";
  REQUIRE(mkdtemp(home) != nullptr);
  const std::string conf_dir = std::string(home) + "/conf";
  REQUIRE(::mkdir(conf_dir.c_str(), 0700) == 0);
  const std::string acl_path = conf_dir + "/plain_acl.yml";
  std::ofstream(acl_path) << "accounts:\n  - accessKey: RocketMQ\n    secretKey: 12345678\n";
  const std::string conf = write_temp_conf("aclEnable=true\nserverChannelMaxIdleTimeSeconds=30\n");
  ::setenv("ROCKETMQ_HOME", home, 1);
  auto config = parse({"-c", conf});
  REQUIRE(config.ok());
  CHECK(config->acl_enable);
  CHECK(config->acl_file == acl_path);
  CHECK(config->idle_timeout_s == 30);
  const std::string other = write_temp_conf("accounts:\n  - accessKey: short\n    secretKey: 12345678\n");
  auto broken = parse({"-c", conf, "--acl-file", other});
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().detail.find("length should longer than 6") != std::string::npos);
  ::unsetenv("ROCKETMQ_HOME");
  auto no_home = parse({"--acl-enable"});
  REQUIRE_FALSE(no_home.ok());
  CHECK(no_home.error().detail.find("ROCKETMQ_HOME") != std::string::npos);
  auto off = parse({"-c", conf, "--acl-enable=false"});
  REQUIRE(off.ok());
  CHECK_FALSE(off->acl_enable);
  std::remove(acl_path.c_str());
  ::rmdir(conf_dir.c_str());
  ::rmdir(home);
  std::remove(conf.c_str());
  std::remove(other.c_str());
}

TEST_CASE("broker flags: enablePropertyFilter and storeReplyMessageEnable are read and validated (issue 15)") {
  auto defaults = parse({});
  REQUIRE(defaults.ok());
  CHECK_FALSE(defaults->enable_property_filter);
  CHECK(defaults->store_reply_message_enable);
  const std::string conf = write_temp_conf("enablePropertyFilter=true\nstoreReplyMessageEnable=false\n");
  auto from_file = parse({"-c", conf});
  REQUIRE(from_file.ok());
  CHECK(from_file->enable_property_filter);
  CHECK_FALSE(from_file->store_reply_message_enable);
  auto flag = parse({"--enable-property-filter"});
  REQUIRE(flag.ok());
  CHECK(flag->enable_property_filter);
  const std::string bad = write_temp_conf("enablePropertyFilter=yes\n");
  auto refused = parse({"-c", bad});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().detail.find("enablePropertyFilter") != std::string::npos);
  CHECK(refused.error().detail.find("yes") != std::string::npos);
  std::remove(conf.c_str());
  std::remove(bad.c_str());
}
