// OffsetWaiters, the FIFO behind GroupCommit (released by the durable offset) and HaMaster
// (released by a slave's confirmation): waiters leave in push order, a watermark releases every
// waiter it covers, a deadline every waiter past it, and the queue holds no more than its capacity.
#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "broker/offset_waiters.h"

using ringmq::broker::OffsetWaiters;

namespace {

// Four waiters needing 100..400, with deadlines 1001..1004.
OffsetWaiters<std::unique_ptr<int>> four_waiters() {
  OffsetWaiters<std::unique_ptr<int>> w(16);
  for (int i = 1; i <= 4; ++i) w.push(i * 100, 1000 + i, std::make_unique<int>(i));
  return w;
}

}  // namespace

TEST_CASE("offset_waiters: a watermark releases, oldest first, every waiter whose end it reaches") {
  auto w = four_waiters();
  std::vector<int> released;
  auto take = [&](std::unique_ptr<int> item) { released.push_back(*item); };
  CHECK(w.release_through(99, take) == 0);  // below the first end: nothing
  CHECK(w.release_through(250, take) == 2);  // one watermark covers every waiter below it
  CHECK(released == std::vector<int>{1, 2});
  CHECK(w.release_through(299, take) == 0);
  CHECK(w.release_through(300, take) == 1);  // an end equal to the watermark is reached
  CHECK(released == std::vector<int>{1, 2, 3});
  CHECK(w.size() == 1);
  CHECK(w.oldest_deadline_ms() == 1004);
}

TEST_CASE("offset_waiters: a deadline releases every waiter at or past it and leaves the rest") {
  auto w = four_waiters();
  std::vector<int> late;
  CHECK(w.oldest_deadline_ms() == 1001);
  CHECK(w.release_late(1000, [&](std::unique_ptr<int> item) { late.push_back(*item); }) == 0);
  CHECK(w.release_late(1002, [&](std::unique_ptr<int> item) { late.push_back(*item); }) == 2);
  CHECK(late == std::vector<int>{1, 2});
  CHECK(w.oldest_deadline_ms() == 1003);
  // The ones left are still released by a watermark afterwards.
  std::vector<int> confirmed;
  CHECK(w.release_through(1'000'000, [&](std::unique_ptr<int> item) { confirmed.push_back(*item); }) == 2);
  CHECK(confirmed == std::vector<int>{3, 4});
  CHECK(w.empty());
  CHECK(w.oldest_deadline_ms() == 0);
}

TEST_CASE("offset_waiters: release_all answers every waiter in order; clear drops them unanswered") {
  auto w = four_waiters();
  std::vector<int> all;
  CHECK(w.release_all([&](std::unique_ptr<int> item) { all.push_back(*item); }) == 4);
  CHECK(all == std::vector<int>{1, 2, 3, 4});
  CHECK(w.empty());
  auto dropped = four_waiters();
  dropped.clear();
  CHECK(dropped.empty());
}

TEST_CASE("offset_waiters: full at its capacity, and free again once a waiter leaves") {
  OffsetWaiters<int> w(2);
  CHECK(w.capacity() == 2);
  w.push(10, 100, 1);
  CHECK_FALSE(w.full());
  w.push(10, 100, 2);  // equal ends and deadlines keep push order
  CHECK(w.full());
  std::vector<int> out;
  CHECK(w.release_through(10, [&](int item) { out.push_back(item); }) == 2);
  CHECK(out == std::vector<int>{1, 2});
  CHECK_FALSE(w.full());
}

TEST_CASE("offset_waiters: a release callback may park a new waiter (it is released by a later call)") {
  OffsetWaiters<int> w(8);
  w.push(100, 1000, 1);
  w.push(200, 1000, 2);
  std::vector<int> seen;
  const std::size_t n = w.release_through(150, [&](int item) {
    seen.push_back(item);
    w.push(300, 2000, item + 10);
  });
  CHECK(n == 1);
  CHECK(seen == std::vector<int>{1});
  CHECK(w.size() == 2);
  CHECK(w.release_through(300, [&](int item) { seen.push_back(item); }) == 2);
  CHECK(seen == std::vector<int>{1, 2, 11});
}
