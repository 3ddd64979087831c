// Unique (client) message ids, property UNIQ_KEY (docs/PROTOCOL.md §4.5a;
// MessageClientIDSetter.java): 16 bytes as 32 upper-case hex characters (IPv4 form)
//   producer IPv4 (4) | pid low 16 bits (2) | per-process random int (4) |
//   ms since the start of the current month, local time (int32) | counter low 16 bits (2)
// Producers set it; a 5.x broker adds one when a send lacks it. Opaque to everyone else.
#pragma once

#include <cstdint>
#include <string>

namespace ringmq::remoting {

// Owned by one thread (a producer's reactor, or one broker core); not thread-safe. Give each
// instance its own `random_tag` so two cores never produce the same id within one millisecond.
class UniqueKeyGenerator {
 public:
  UniqueKeyGenerator(std::uint32_t ipv4, std::uint32_t pid, std::uint32_t random_tag);

  // The next id for wall-clock time `now_ms` (Unix epoch milliseconds).
  std::string next(std::int64_t now_ms);

 private:
  // Recomputes the local-time month window containing `now_ms`.
  void start_month(std::int64_t now_ms);

  char prefix_hex_[20];  // ip + pid + random tag, 10 bytes in hex
  std::int64_t month_start_ms_ = 0;
  std::int64_t next_month_start_ms_ = 0;
  std::uint16_t counter_ = 0;
};

}  // namespace ringmq::remoting
