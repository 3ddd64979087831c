#include <doctest/doctest.h>

#include <ctime>
#include <string>

#include "broker/retention/disk_policy.h"

using namespace ringmq::broker;

namespace {
// Wall ms of today's `hour`:30 local time.
std::int64_t at_local_hour(int hour) {
  const time_t now = time(nullptr);
  struct tm local {};
  localtime_r(&now, &local);
  local.tm_hour = hour;
  local.tm_min = 30;
  local.tm_sec = 0;
  return static_cast<std::int64_t>(mktime(&local)) * 1000;
}
}  // namespace

TEST_CASE("disk policy: deleteWhen hours match the local hour") {
  CHECK(is_delete_hour("04", at_local_hour(4)));
  CHECK(!is_delete_hour("04", at_local_hour(5)));
  CHECK(is_delete_hour("04;16", at_local_hour(16)));
  CHECK(!is_delete_hour("04;16", at_local_hour(15)));
  CHECK(!is_delete_hour("", at_local_hour(4)));
}

TEST_CASE("disk policy: the refusal remark is RocketMQ's, with the disk figures") {
  const std::string r = disk_full_remark(0.9123);
  CHECK(r.rfind("service not available now, maybe disk full, CL:  0.91 CQ:  0.91 INDEX:  0.91", 0) == 0);
}

TEST_CASE("disk policy: any lack of space answers with RocketMQ's disk-full words") {
  const ringmq::Error refusal{ringmq::Errc::no_space, 0, disk_full_remark(0.95)};
  CHECK(no_space_remark(refusal) == refusal.detail);
  const ringmq::Error enospc{ringmq::Errc::no_space, 28, "fallocate x"};
  const std::string r = no_space_remark(enospc);
  CHECK(r.rfind("service not available now, maybe disk full: ", 0) == 0);
  CHECK(r.find("fallocate x") != std::string::npos);
}
