// IoOp: the caller-owned record of one io_uring operation. Its owner (a connection, a listener, the
// reactor) embeds one IoOp per kind of operation it can have in flight, so the steady path
// allocates nothing; the SQE's user_data is the IoOp's address and the completion finds its way
// back through `handler`. An IoOp must outlive its operation: owners free themselves only after
// the final completion (no IORING_CQE_F_MORE) has arrived.
#pragma once

#include <liburing.h>

#include <cstdint>

namespace ringmq::reactor {

struct IoOp {
  using Handler = void (*)(IoOp& op, const io_uring_cqe& cqe);
  Handler handler = nullptr;
  void* owner = nullptr;
};

// user_data values that are not IoOps: completions to ignore (cancel requests, linked timeouts)
// and the wake-up another core sends with IORING_OP_MSG_RING.
inline constexpr std::uint64_t kIgnoredUserData = 0;
inline constexpr std::uint64_t kWakeUserData = 1;

inline void set_op(io_uring_sqe* sqe, IoOp& op) { io_uring_sqe_set_data(sqe, &op); }

}  // namespace ringmq::reactor
