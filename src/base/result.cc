#include "base/result.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ringmq {

const char* errc_name(Errc code) {
  switch (code) {
    case Errc::io: return "io";
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::malformed: return "malformed";
    case Errc::too_large: return "too_large";
    case Errc::not_found: return "not_found";
    case Errc::already_exists: return "already_exists";
    case Errc::corrupt: return "corrupt";
    case Errc::no_space: return "no_space";
    case Errc::timeout: return "timeout";
    case Errc::closed: return "closed";
    case Errc::busy: return "busy";
    case Errc::unsupported: return "unsupported";
  }
  return "unknown";
}

std::string Error::to_string() const {
  if (sys_errno != 0) {
    return fmt::format("{} (errno {}: {}): {}", errc_name(code), sys_errno, std::strerror(sys_errno), detail);
  }
  return fmt::format("{}: {}", errc_name(code), detail);
}

namespace detail {
void assert_failed(const char* expr, const char* file, int line, const char* func) {
  std::fprintf(stderr, "ringmq: assertion failed: %s (%s:%d in %s)\n", expr, file, line, func);
  std::fflush(stderr);
  std::abort();
}
}  // namespace detail

}  // namespace ringmq
