// Checks for code that runs on reactor (core) threads: handlers, timers, posted tasks, connection
// callbacks. doctest's REQUIRE throws, and thrown on a core thread it ends the process instead of
// failing the test; CHECK there races the test thread's end of the test case. CORE_CHECK only
// records a failure (thread-safe); the test thread reports it with CHECK_CORE_CHECKS(), which the
// fixtures call when they stop their engines, and the test binary's main fails the run if any
// recorded failure was never reported.
#pragma once

#include <string>
#include <vector>

namespace ringmq::test {

// Records "file:line: expr" when !ok. Returns ok, so `if (!CORE_CHECK(x)) return;` stops a callback
// the way REQUIRE would stop a test.
bool core_check(bool ok, const char* expr, const char* file, int line);

// The failures recorded since the last call, oldest first; clears them.
std::vector<std::string> take_core_failures();

}  // namespace ringmq::test

#define CORE_CHECK(expr) ::ringmq::test::core_check(static_cast<bool>(expr), #expr, __FILE__, __LINE__)

// On the test thread: one failed check in the current test per failure recorded on a core thread.
#define CHECK_CORE_CHECKS()                                                  \
  do {                                                                       \
    for (const std::string& failure_ : ::ringmq::test::take_core_failures()) \
      FAIL_CHECK("on a core thread: " << failure_);                          \
  } while (false)
