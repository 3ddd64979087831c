#include <doctest/doctest.h>

#include <string>

#include "base/log_limiter.h"

using namespace ringmq;

TEST_CASE("log limiter: a burst per window, then silence, then the count of what was suppressed") {
  LogLimiter limiter(10'000, 3);
  std::string suffix;
  for (int i = 0; i < 3; ++i) {
    CHECK(limiter.allow(1000 + i, suffix));
    CHECK(suffix.empty());
  }
  for (int i = 0; i < 1234; ++i) CHECK(!limiter.allow(2000 + i, suffix));
  // A new window: logged again, saying how many were dropped.
  REQUIRE(limiter.allow(11'000, suffix));
  CHECK(suffix == " (1,234 more in the last 10 s)");
  CHECK(limiter.allow(11'001, suffix));
  CHECK(suffix.empty());
}

TEST_CASE("log limiter: thousands grouping") {
  CHECK(group_thousands(0) == "0");
  CHECK(group_thousands(999) == "999");
  CHECK(group_thousands(1000) == "1,000");
  CHECK(group_thousands(17700) == "17,700");
  CHECK(group_thousands(1234567) == "1,234,567");
}
