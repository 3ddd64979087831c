// OverflowGate: new requests are refused on every core while any core's cross-core backlog is past
// kOverflowTasksRefuseRequests, and taken again once every backlog drained below it.
#include <doctest/doctest.h>

#include "broker/broker_limits.h"
#include "broker/overflow_gate.h"

using namespace ringmq::broker;

TEST_CASE("overflow_gate: one core past the threshold closes the gate for all; it reopens when every core is back") {
  OverflowGate gate;
  bool core0 = false;
  bool core1 = false;
  CHECK_FALSE(gate.refusing());
  gate.update(core0, kOverflowTasksRefuseRequests - 1);
  CHECK_FALSE(gate.refusing());  // below the threshold: a burst the next pass drains
  gate.update(core0, kOverflowTasksRefuseRequests);
  CHECK(core0);
  CHECK(gate.refusing());  // core 1's door refuses too: its requests feed core 0's backlog
  gate.update(core1, kOverflowTasksRefuseRequests + 10);
  CHECK(gate.cores_over() == 2);
  gate.update(core0, 0);
  CHECK_FALSE(core0);
  CHECK(gate.refusing());  // core 1 is still over
  gate.update(core1, kOverflowTasksRefuseRequests - 1);
  CHECK_FALSE(gate.refusing());
  CHECK(gate.cores_over() == 0);
}

TEST_CASE("overflow_gate: repeated updates on the same side count a core once") {
  OverflowGate gate;
  bool core = false;
  for (int i = 0; i < 3; ++i) gate.update(core, kOverflowTasksRefuseRequests + static_cast<std::size_t>(i));
  CHECK(gate.cores_over() == 1);
  for (int i = 0; i < 3; ++i) gate.update(core, static_cast<std::size_t>(i));
  CHECK(gate.cores_over() == 0);
  CHECK_FALSE(gate.refusing());
}
