// A store root plus shard 0 in a directory, reopened at will (`crash()` drops both without a clean
// close), and a blocking CommitLog flush: shared by the store tests that restart a shard.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/flush_plan.h"
#include "store/shard_store.h"
#include "store/store_root.h"

namespace ringmq::store::testing {

// A store small enough to cross segment, ConsumeQueue-file and index limits in a few messages.
inline StoreOptions small_store_options() {
  StoreOptions o;
  o.commit_log.segment_bytes = 8192;
  o.commit_log.preallocate_in_background = false;
  o.cq_entries_per_file = 16;
  o.index.slots = 64;
  o.index.items = 256;
  return o;
}

struct ShardHarness {
  ShardHarness(const std::string& dir, const StoreOptions& o) : dir(dir), options(o) { open(); }

  void open() {
    auto r = StoreRoot::open(dir, 1);
    REQUIRE(r.ok());
    root = std::move(r).value();
    auto s = ShardStore::open(*root, ShardId{0}, options);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().to_string()));
    shard = std::move(s).value();
  }
  void close_clean() {
    REQUIRE(shard->close().ok());
    shard.reset();
    REQUIRE(root->close_clean().ok());
    root.reset();
  }
  void crash() {
    shard.reset();
    root.reset();
  }

  std::string dir;
  StoreOptions options;
  std::unique_ptr<StoreRoot> root;
  std::unique_ptr<ShardStore> shard;
};

// Makes everything appended so far durable with blocking fdatasyncs.
inline void flush_log(ShardStore& s) {
  FlushPlan plan;
  s.commit_log().begin_flush(plan);
  if (!plan.empty()) REQUIRE(s.commit_log().complete_flush(plan, execute_flush_plan(plan)).ok());
}

}  // namespace ringmq::store::testing
