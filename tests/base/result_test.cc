#include <doctest/doctest.h>

#include "base/result.h"

using namespace ringmq;

namespace {
Result<int> parse_positive(int v) {
  if (v <= 0) return make_error(Errc::invalid_argument, "not positive");
  return v;
}
Result<int> doubled(int v) {
  RINGMQ_TRY_ASSIGN(int x, parse_positive(v));
  return x * 2;
}
Status check(int v) {
  RINGMQ_TRY(parse_positive(v));
  return {};
}
}  // namespace

TEST_CASE("result: values and errors propagate through TRY macros") {
  CHECK(doubled(4).value() == 8);
  auto bad = doubled(-1);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::invalid_argument);
  CHECK(check(1).ok());
  CHECK_FALSE(check(0).ok());
}

TEST_CASE("result: a system error names errno, and ENOSPC maps to no_space") {
  Error e = make_sys_error(ENOSPC, "write segment");
  CHECK(e.code == Errc::no_space);
  CHECK(e.to_string().find("errno 28") != std::string::npos);
  CHECK(make_sys_error(ENOENT, "open").code == Errc::io);
}
