// GroupCommit on a real one-core engine and a real CommitLog in a temp dir: sends that wait for
// the disk are answered together once a round makes them durable, in append order.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../store/test_util.h"
#include "broker/group_commit.h"
#include "broker/processor/send_message_processor.h"
#include "reactor/engine.h"
#include "remoting/response_code.h"

using namespace ringmq;
using namespace ringmq::broker;
using store::testing::TempDir;

namespace {

std::unique_ptr<store::CommitLog> open_log(const TempDir& dir) {
  store::CommitLogOptions o;
  o.segment_bytes = 1 << 20;
  o.preallocate_in_background = false;
  auto log = store::CommitLog::open(dir.path(), store::ShardId{0}, o);
  REQUIRE(log.ok());
  const store::PhysicalOffset base = store::shard_base(store::ShardId{0});
  REQUIRE(log.value()->recover_to(base, base, 0).ok());
  return std::move(log).value();
}

// Answers seen on the core, checked on the main thread after the engine stops.
struct Answers {
  std::mutex mutex;
  std::vector<std::pair<std::int32_t, std::int32_t>> seen;  // (job's opaque, code)
};

std::unique_ptr<SendJob> job_with_opaque(std::int32_t opaque) {
  auto job = std::make_unique<SendJob>();
  job->ref.opaque = opaque;
  job->header.topic = "T";
  return job;
}

}  // namespace

TEST_CASE("group_commit: waiters are answered SUCCESS in append order once one round covers them") {
  TempDir dir;
  auto log = open_log(dir);
  Answers answers;
  std::atomic<std::int64_t> durable_after{0};
  std::atomic<std::int64_t> last_end{0};
  reactor::Engine engine(reactor::EngineOptions{.cores = 1, .pin_threads = false});
  std::unique_ptr<GroupCommit> commit;
  constexpr int kSends = 50;
  // Set on the core thread, checked here: a doctest failure on a core thread would terminate.
  std::atomic<bool> append_failed{false}, answered_early{true};
  REQUIRE(engine.start([&](reactor::Reactor& r) {
    commit = std::make_unique<GroupCommit>(r, *log, 5000, [&](std::unique_ptr<SendJob> job, std::int32_t code) {
      std::lock_guard lock(answers.mutex);
      answers.seen.emplace_back(job->ref.opaque, code);
      if (answers.seen.size() == kSends) {
        durable_after = log->durable_offset().value;
        r.engine().stop();
      }
    });
    const std::string body(100, 'b');
    for (int i = 0; i < kSends; ++i) {
      auto appended = log->append(store::testing::message("T", 0, body), store::QueueOffset{i}, 1700000000000);
      if (!appended.ok()) {
        append_failed = true;
        return r.engine().stop();
      }
      last_end = appended->end().value;
      commit->wait(appended->end(), job_with_opaque(i));
    }
    // Nothing is answered before the round has run: the appends are not durable yet.
    std::lock_guard lock(answers.mutex);
    answered_early = !answers.seen.empty() || commit->waiters() != kSends;
  }, [&](reactor::Reactor&) { commit.reset(); }).ok());
  engine.wait();
  REQUIRE(!append_failed.load());
  CHECK(!answered_early.load());
  REQUIRE(answers.seen.size() == kSends);
  for (int i = 0; i < kSends; ++i) {
    CHECK(answers.seen[i].first == i);
    CHECK(answers.seen[i].second == remoting::response_code::kSuccess);
  }
  CHECK(durable_after.load() >= last_end.load());
}

TEST_CASE("group_commit: a send already durable is answered at once, and past the waiter limit FLUSH_DISK_TIMEOUT") {
  TempDir dir;
  auto log = open_log(dir);
  Answers answers;
  reactor::Engine engine(reactor::EngineOptions{.cores = 1, .pin_threads = false});
  std::unique_ptr<GroupCommit> commit;
  std::atomic<bool> answered_at_once{false};
  std::atomic<std::size_t> over_limit_code{0};
  std::atomic<bool> append_failed{false};
  REQUIRE(engine.start([&](reactor::Reactor& r) {
    commit = std::make_unique<GroupCommit>(r, *log, 5000, [&](std::unique_ptr<SendJob> job, std::int32_t code) {
      std::lock_guard lock(answers.mutex);
      answers.seen.emplace_back(job->ref.opaque, code);
    });
    // An end at or below the durable offset (nothing appended yet) needs no round.
    commit->wait(log->durable_offset(), job_with_opaque(-1));
    {
      std::lock_guard lock(answers.mutex);
      answered_at_once = answers.seen.size() == 1 && answers.seen[0].second == remoting::response_code::kSuccess;
    }
    const std::string body(16, 'b');
    auto appended = log->append(store::testing::message("T", 0, body), store::QueueOffset{0}, 1700000000000);
    if (!appended.ok()) {
      append_failed = true;
      return r.engine().stop();
    }
    for (std::size_t i = 0; i < kDurableWaitersPerCoreMax; ++i) commit->wait(appended->end(), job_with_opaque(1));
    commit->wait(appended->end(), job_with_opaque(2));  // one too many
    {
      std::lock_guard lock(answers.mutex);
      if (answers.seen.size() == 2 && answers.seen[1].first == 2) over_limit_code = answers.seen[1].second;
    }
    // Stop once the round has answered the rest.
    (void)r.add_periodic_timer(1, [&r, &commit] {
      if (commit->waiters() == 0) r.engine().stop();
    });
  }, [&](reactor::Reactor&) { commit.reset(); }).ok());
  engine.wait();
  REQUIRE(!append_failed.load());
  CHECK(answered_at_once.load());
  CHECK(over_limit_code.load() == static_cast<std::size_t>(remoting::response_code::kFlushDiskTimeout));
  CHECK(answers.seen.size() == kDurableWaitersPerCoreMax + 2);
}
