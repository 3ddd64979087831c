// Store micro-benchmarks: append (full put path: CommitLog + ConsumeQueue + index) next to a plain
// memcpy of the same bytes, pulls, and group commit on a real file next to a bare
// write+fdatasync loop. Files go under $RINGMQ_BENCH_DIR (default /tmp).
//
//   build-store/bench/store/bench_store --benchmark_min_time=0.3
//   build-store/bench/store/bench_store --benchmark_filter=BM_AppendSegments --benchmark_repetitions=5
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "store/file_util.h"
#include "store/shard_store.h"

using namespace ringmq;
using namespace ringmq::store;

namespace {

constexpr std::size_t kBenchSegmentBytes = 64u << 20;
constexpr std::size_t kMemcpyArenaBytes = 64u << 20;

std::string bench_root() {
  const char* base = ::getenv("RINGMQ_BENCH_DIR");
  std::string tmpl = std::string(base ? base : "/tmp") + "/ringmq_store_bench_XXXXXX";
  RINGMQ_ASSERT(::mkdtemp(tmpl.data()) != nullptr);
  return tmpl;
}

struct BenchStore {
  explicit BenchStore(SegmentPrewrite prewrite = SegmentPrewrite::zero_fill) : dir(bench_root()) {
    root = std::move(StoreRoot::open(dir, 1)).value();
    StoreOptions o;
    o.commit_log.segment_bytes = kBenchSegmentBytes;
    o.commit_log.segment_prewrite = prewrite;
    o.cq_entries_per_file = 300'000;
    o.index.slots = 1 << 20;
    o.index.items = 4 << 20;
    shard = std::move(ShardStore::open(*root, ShardId{0}, o)).value();
  }
  ~BenchStore() {
    shard.reset();
    root.reset();
    (void)remove_tree(dir);
  }
  std::string dir;
  std::unique_ptr<StoreRoot> root;
  std::unique_ptr<ShardStore> shard;
};

MessageInput bench_message(const std::string& body, const std::string& props) {
  MessageInput m;
  m.topic = "BenchTopic";
  m.queue_id = QueueId{0};
  m.body = as_bytes(body);
  m.properties = props;
  m.born_timestamp_ms = 1700000000000;
  m.born_host = HostAddress::ipv4(127, 0, 0, 1, 50000);
  m.store_host = HostAddress::ipv4(127, 0, 0, 1, 10911);
  m.tags_code = tag_hash_of(props);
  return m;
}

// Body bytes so that the stored record is `record_bytes` long.
std::string body_for(std::size_t record_bytes, const std::string& props) {
  const std::string empty;
  const std::size_t overhead = encoded_size(bench_message(empty, props), RecordCrc::whole_record);
  return std::string(record_bytes > overhead ? record_bytes - overhead : 1, 'x');
}

const std::string kProps = "TAGS\x01TagA\x02UNIQ_KEY\x01" "7F0000010001000000000000000000AB\x02";

void BM_Append(benchmark::State& state) {
  const auto record_bytes = static_cast<std::size_t>(state.range(0));
  BenchStore s;
  const std::string body = body_for(record_bytes, kProps);
  const MessageInput m = bench_message(body, kProps);
  std::int64_t ts = 1700000000000;
  for (auto _ : state) {
    auto r = s.shard->put(m, ++ts);
    if (!r.ok()) {
      state.SkipWithError(r.error().to_string().c_str());
      break;
    }
    benchmark::DoNotOptimize(r->offset);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(record_bytes));
  state.counters["roll_stalls"] = static_cast<double>(s.shard->commit_log().roll_stalls());
}
BENCHMARK(BM_Append)->Arg(128)->Arg(1024)->Arg(4096);

// Minor page faults taken by the calling thread so far.
std::int64_t thread_minor_faults() {
  rusage ru{};
  ::getrusage(RUSAGE_THREAD, &ru);
  return ru.ru_minflt;
}

// Bytes this process has caused to be written to storage (/proc/self/io write_bytes), which the
// kernel charges when a page is dirtied: pwrite'd zeros count, wherever the
// writeback later happens.
std::int64_t process_write_bytes() {
  const Result<std::string> io = read_whole_file("/proc/self/io");
  if (!io.ok()) return 0;
  const std::size_t at = io->find("\nwrite_bytes: ");
  return at == std::string::npos ? 0 : std::strtoll(io->c_str() + at + 14, nullptr, 10);
}

// 1 KiB appends through many segment rolls, per way of preparing segments (prewrite: 0 zero_fill,
// 1 allocate_only). Real time, because the
// helper thread competes for the same cores, as it does in the broker. Counters: the helper
// thread's CPU per message and per segment, the appending thread's page faults per message, and
// the bytes the process dirtied for storage per message (1 KiB is the floor).
void BM_AppendSegments(benchmark::State& state) {
  constexpr std::size_t kRecordBytes = 1024;
  const auto prewrite = state.range(0) != 0 ? SegmentPrewrite::allocate_only : SegmentPrewrite::zero_fill;
  BenchStore s(prewrite);
  const std::string body = body_for(kRecordBytes, kProps);
  const MessageInput m = bench_message(body, kProps);
  std::int64_t ts = 1700000000000;
  const std::int64_t faults_before = thread_minor_faults();
  const std::int64_t write_bytes_before = process_write_bytes();
  for (auto _ : state) {
    auto r = s.shard->put(m, ++ts);
    if (!r.ok()) {
      state.SkipWithError(r.error().to_string().c_str());
      break;
    }
    benchmark::DoNotOptimize(r->offset);
  }
  const CommitLog& log = s.shard->commit_log();
  const auto iterations = static_cast<double>(state.iterations());
  const auto segments = static_cast<double>(log.preallocator_segments_made());
  const auto prealloc_ns = static_cast<double>(log.preallocator_cpu_ns());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kRecordBytes));
  state.counters["roll_stalls"] = static_cast<double>(log.roll_stalls());
  state.counters["segments"] = segments;
  state.counters["prealloc_ns/msg"] = prealloc_ns / iterations;
  state.counters["prealloc_ms/seg"] = segments > 0 ? prealloc_ns / segments / 1e6 : 0;
  state.counters["faults/msg"] = static_cast<double>(thread_minor_faults() - faults_before) / iterations;
  state.counters["disk_bytes/msg"] = static_cast<double>(process_write_bytes() - write_bytes_before) / iterations;
}
BENCHMARK(BM_AppendSegments)
    ->ArgsProduct({{0, 1}})
    ->ArgNames({"allocate_only"})
    ->UseRealTime();

// The floor for an append: copying the same bytes into a mapped-size arena.
void BM_Memcpy(benchmark::State& state) {
  const auto record_bytes = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint8_t> arena(kMemcpyArenaBytes);
  const std::string src(record_bytes, 'x');
  std::size_t pos = 0;
  for (auto _ : state) {
    if (pos + record_bytes > arena.size()) pos = 0;
    std::memcpy(arena.data() + pos, src.data(), record_bytes);
    benchmark::ClobberMemory();
    pos += record_bytes;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(record_bytes));
}
BENCHMARK(BM_Memcpy)->Arg(128)->Arg(1024)->Arg(4096);

// A pull of 32 messages from a random offset of a queue of 100k 1 KiB messages.
void BM_GetMessages(benchmark::State& state) {
  constexpr int kMessages = 100'000;
  constexpr std::size_t kBatch = 32;
  BenchStore s;
  const std::string body = body_for(1024, kProps);
  const MessageInput m = bench_message(body, kProps);
  for (int i = 0; i < kMessages; ++i) RINGMQ_ASSERT(s.shard->put(m, 1700000000000 + i).ok());
  const std::int64_t filter = tag_hash_of(kProps);
  const bool filtered = state.range(0) != 0;
  std::uint64_t x = 88172645463325252ull;
  std::size_t messages = 0;
  for (auto _ : state) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const QueueOffset from{static_cast<std::int64_t>(x % (kMessages - kBatch))};
    GetResult g = s.shard->get_messages("BenchTopic", QueueId{0}, from, kBatch, 1 << 20,
                                        filtered ? std::span(&filter, 1) : std::span<const std::int64_t>());
    messages += g.messages.size();
    benchmark::DoNotOptimize(g.total_bytes);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(messages));
  state.counters["pulls/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GetMessages)->Arg(0)->Arg(1)->ArgName("tag_filter");

// Group commit with W closed-loop producers: each has one 1 KiB message waiting to be durable;
// a round's one fdatasync answers all of them, then each sends its next.
void BM_GroupCommit(benchmark::State& state) {
  const auto waiters = static_cast<std::size_t>(state.range(0));
  BenchStore s;
  CommitLog& log = s.shard->commit_log();
  const std::string body = body_for(1024, kProps);
  const MessageInput m = bench_message(body, kProps);
  FlushPlan plan;
  std::int64_t appended = 0, rounds = 0, ts = 1700000000000;
  for (auto _ : state) {
    for (std::size_t w = 0; w < waiters; ++w) {
      auto r = s.shard->put(m, ++ts);
      RINGMQ_ASSERT(r.ok());
    }
    appended += static_cast<std::int64_t>(waiters);
    log.begin_flush(plan);
    RINGMQ_ASSERT(log.complete_flush(plan, execute_flush_plan(plan)).ok());
    RINGMQ_ASSERT(log.durable_offset() == log.write_offset());
    ++rounds;
  }
  state.SetItemsProcessed(appended);
  state.counters["appends/fdatasync"] = static_cast<double>(appended) / static_cast<double>(rounds);
  state.counters["roll_stalls"] = static_cast<double>(log.roll_stalls());
}
BENCHMARK(BM_GroupCommit)->Arg(1)->Arg(16)->Arg(256)->ArgName("waiters")->UseRealTime();

// The baseline: write 1 KiB then fdatasync, on a pre-written (arg 1) or growing new (arg 0) file.
void BM_BareWriteFdatasync(benchmark::State& state) {
  const bool prewritten = state.range(0) != 0;
  const std::string dir = bench_root();
  const std::string path = dir + "/bare";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  RINGMQ_ASSERT(fd >= 0);
  if (prewritten) {
    const std::vector<char> zeros(1 << 20, 0);
    for (int i = 0; i < 64; ++i) RINGMQ_ASSERT(::write(fd, zeros.data(), zeros.size()) == static_cast<ssize_t>(zeros.size()));
    RINGMQ_ASSERT(::fdatasync(fd) == 0);
  }
  const std::string buf(1024, 'x');
  off_t off = 0;
  for (auto _ : state) {
    RINGMQ_ASSERT(::pwrite(fd, buf.data(), buf.size(), off) == static_cast<ssize_t>(buf.size()));
    RINGMQ_ASSERT(::fdatasync(fd) == 0);
    off = (off + static_cast<off_t>(buf.size())) % (64 << 20);
  }
  ::close(fd);
  (void)remove_tree(dir);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BareWriteFdatasync)->Arg(1)->Arg(0)->ArgName("prewritten")->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
