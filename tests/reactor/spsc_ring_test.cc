#include "reactor/spsc_ring.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <thread>

#include "reactor/inplace_function.h"

using ringmq::reactor::InplaceFunction;
using ringmq::reactor::SpscRing;

TEST_CASE("spsc_ring: a full ring refuses the push and keeps the value") {
  auto ring = std::make_unique<SpscRing<int, 8>>();
  for (int i = 0; i < 8; ++i) {
    int v = i;
    CHECK(ring->try_push(v));
  }
  int extra = 99;
  CHECK_FALSE(ring->try_push(extra));
  CHECK(extra == 99);
  int expected = 0;
  CHECK(ring->drain([&](int& v) { CHECK(v == expected++); }, 3) == 3);
  CHECK(ring->try_push(extra));
  CHECK(ring->drain([&](int&) {}, 100) == 6);
  CHECK(ring->empty());
}

TEST_CASE("spsc_ring: one million items cross threads in order") {
  constexpr std::uint64_t kCount = 1000000;
  auto ring = std::make_unique<SpscRing<std::uint64_t, 1024>>();
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kCount;) {
      std::uint64_t v = i;
      if (ring->try_push(v)) ++i;
    }
  });
  std::uint64_t next = 0;
  bool in_order = true;
  while (next < kCount)
    ring->drain([&](std::uint64_t& v) { in_order = in_order && v == next++; }, 256);
  producer.join();
  CHECK(in_order);
  CHECK(next == kCount);
}

TEST_CASE("spsc_ring: items left in the ring are destroyed with it") {
  auto counter = std::make_shared<int>(0);
  {
    auto ring = std::make_unique<SpscRing<std::shared_ptr<int>, 4>>();
    std::shared_ptr<int> a = counter, b = counter;
    REQUIRE(ring->try_push(a));
    REQUIRE(ring->try_push(b));
    CHECK(counter.use_count() == 3);
  }
  CHECK(counter.use_count() == 1);
}

TEST_CASE("inplace_function: moves its capture and destroys it once") {
  auto counter = std::make_shared<int>(0);
  InplaceFunction<int(int), 48> f = [counter](int x) { return ++*counter + x; };
  CHECK(counter.use_count() == 2);
  InplaceFunction<int(int), 48> g = std::move(f);
  CHECK_FALSE(static_cast<bool>(f));
  CHECK(g(10) == 11);
  CHECK(counter.use_count() == 2);
  g.reset();
  CHECK(counter.use_count() == 1);
}
