#include <doctest/doctest.h>

#include <cstdlib>

#include "client/client_instance.h"

namespace ringmq::client {

TEST_CASE("credentials: configured keys win over the environment") {
  ::setenv("ROCKETMQ_ACCESS_KEY", "fromEnvKey", 1);
  ::setenv("ROCKETMQ_SECRET_KEY", "fromEnvSecret", 1);
  auto c = resolve_credentials(remoting::AclCredentials{"configured", "secret", ""});
  CHECK(c.access_key == "configured");
  CHECK(c.secret_key == "secret");
  ::unsetenv("ROCKETMQ_ACCESS_KEY");
  ::unsetenv("ROCKETMQ_SECRET_KEY");
}

TEST_CASE("credentials: without configured keys the ROCKETMQ_* variables are used") {
  ::setenv("ROCKETMQ_ACCESS_KEY", "fromEnvKey", 1);
  ::setenv("ROCKETMQ_SECRET_KEY", "fromEnvSecret", 1);
  ::setenv("ROCKETMQ_SECURITY_TOKEN", "tok", 1);
  auto c = resolve_credentials({});
  CHECK(c.enabled());
  CHECK(c.access_key == "fromEnvKey");
  CHECK(c.secret_key == "fromEnvSecret");
  CHECK(c.security_token == "tok");
  ::unsetenv("ROCKETMQ_ACCESS_KEY");
  ::unsetenv("ROCKETMQ_SECRET_KEY");
  ::unsetenv("ROCKETMQ_SECURITY_TOKEN");
  CHECK_FALSE(resolve_credentials({}).enabled());
}

}  // namespace ringmq::client
