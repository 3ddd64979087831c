// ScheduleMessageService: delivers delayed messages (docs/PROTOCOL.md §11.1; RocketMQ
// B/schedule/ScheduleMessageService.java, on core timers instead of a timer thread).
//
// Owner: each core runs one service for the delay levels whose SCHEDULE_TOPIC_XXXX queue
// (level - 1) it owns. Per level: an offset into that queue; entries are due at their store time
// + the level's delay (the ConsumeQueue tag code). A level reads the due entries from its offset,
// rebuilds each message for its REAL_TOPIC / REAL_QID (without DELAY) and hands it to the core
// that owns that queue; when every append of the batch is acknowledged the offset advances and is
// reported to core 0, which persists delayOffset.json. When the next entry is not due the level
// sleeps on a core timer until it is; an empty level sleeps until on_arrival() (called in the
// append step) names a new due time. No polling.
//
// Restart: the persisted offsets say where each level resumes, so an acknowledged delivery is not
// repeated after a clean stop. (A crash between an append and the offset report can repeat that
// batch: at-least-once, as RocketMQ.)
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "reactor/reactor.h"

namespace ringmq::broker {

class BrokerRuntime;
struct CoreState;

// Entries one delivery round takes from a level before yielding.
inline constexpr std::size_t kScheduleDeliverBatchMax = 32;
// First run after start (RocketMQ FIRST_DELAY_TIME) and the back-off after a failed append.
inline constexpr std::int64_t kScheduleFirstRunDelayMs = 1000;
inline constexpr std::int64_t kScheduleRetryDelayMs = 100;

class ScheduleMessageService {
 public:
  // `offsets`: level -> persisted offset (levels this core does not own are ignored).
  ScheduleMessageService(BrokerRuntime& rt, CoreState& cs, const std::map<std::int32_t, std::int64_t>& offsets);
  ~ScheduleMessageService();

  void start();
  // A message of `level`, due at `deliver_at_ms`, was appended on this core.
  void on_arrival(std::int32_t level, std::int64_t deliver_at_ms);

 private:
  struct Level {
    std::int32_t level = 0;
    std::int64_t offset = 0;
    reactor::TimerId timer;
    std::int64_t timer_at_ms = 0;  // 0 = no timer
    bool in_flight = false;
    // Acknowledgements of the batch in flight.
    std::vector<bool> delivered;
    std::size_t pending = 0;
    std::int64_t batch_end = 0;  // offset after the batch
  };

  Level* find(std::int32_t level);
  void arm(Level& l, std::int64_t at_ms);
  void run(Level& l);
  void on_delivered(std::int32_t level, std::size_t index, bool ok);

  BrokerRuntime& rt_;
  CoreState& cs_;
  std::vector<Level> levels_;
};

}  // namespace ringmq::broker
