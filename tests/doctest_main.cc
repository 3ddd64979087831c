// The main of every doctest binary: doctest's own, plus the core-thread check log (core_check.h).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core_check.h"

namespace ringmq::test {
namespace {

std::mutex g_mutex;
std::vector<std::string> g_failures;

}  // namespace

bool core_check(bool ok, const char* expr, const char* file, int line) {
  if (ok) return true;
  std::lock_guard lock(g_mutex);
  g_failures.push_back(std::string(file) + ":" + std::to_string(line) + ": CORE_CHECK(" + expr + ") failed");
  return false;
}

std::vector<std::string> take_core_failures() {
  std::lock_guard lock(g_mutex);
  return std::exchange(g_failures, {});
}

}  // namespace ringmq::test

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int rc = context.run();
  if (context.shouldExit()) return rc;
  // A failure recorded on a core thread that no test reported (its test did not call
  // CHECK_CORE_CHECKS) still fails the run.
  const std::vector<std::string> unreported = ringmq::test::take_core_failures();
  for (const std::string& failure : unreported) std::fprintf(stderr, "unreported core-thread failure: %s\n", failure.c_str());
  return unreported.empty() ? rc : 1;
}
