// Always-on assertions for broken invariants (never for bad input or operating errors: those are
// Results). They stay in release builds: a broker that continues past a broken invariant can lose
// acknowledged data, which is worse than a crash and a recovery.
#pragma once

namespace ringmq::detail {
[[noreturn]] void assert_failed(const char* expr, const char* file, int line, const char* func);
}

#define RINGMQ_ASSERT(cond)                                                        \
  do {                                                                             \
    if (__builtin_expect(!(cond), 0))                                              \
      ::ringmq::detail::assert_failed(#cond, __FILE__, __LINE__, __func__);        \
  } while (0)
