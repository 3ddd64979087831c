// Route lookups per second with 10,000 topics served by 4 brokers, through the whole processor
// (header read, lookup, JSON body, response command) and through the snapshot path other cores use.
#include <benchmark/benchmark.h>

#include <memory>

#include "namesrv_fixture.h"

namespace ringmq::namesrv::bench {
namespace {

NamesrvProcessor& shared_processor() {
  static NamesrvProcessor* processor = [] {
    auto* p = new NamesrvProcessor();  // lives for the whole run, shared by the benchmarks
    if (!register_all(*p)) std::abort();
    return p;
  }();
  return *processor;
}

std::vector<remoting::RemotingCommand> route_requests(std::int32_t version) {
  std::vector<remoting::RemotingCommand> requests;
  for (int i = 0; i < kTopicCount; ++i) requests.push_back(route_request(topic_name(i), version));
  return requests;
}

void run_route_lookups(benchmark::State& state, std::int32_t version) {
  NamesrvProcessor& processor = shared_processor();
  const auto requests = route_requests(version);
  std::size_t i = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    remoting::RemotingCommand reply = processor.process(requests[i], 1, kNowMs);
    bytes += reply.body.size();
    benchmark::DoNotOptimize(reply);
    i = (i + 1) % requests.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_route_lookup_standard_json(benchmark::State& state) { run_route_lookups(state, 401); }
void BM_route_lookup_legacy_json(benchmark::State& state) { run_route_lookups(state, 121); }
BENCHMARK(BM_route_lookup_standard_json);
BENCHMARK(BM_route_lookup_legacy_json);

// The read path of the multi-core design: each thread answers from the same immutable snapshot.
void BM_route_lookup_from_snapshot(benchmark::State& state) {
  static std::shared_ptr<const RouteTables> snapshot;
  static NamesrvConfig config;
  if (state.thread_index() == 0) snapshot = shared_processor().route_info_manager().snapshot();
  const auto requests = route_requests(401);
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 997;
  for (auto _ : state) {
    auto reply = NamesrvProcessor::process_route_query(requests[i % requests.size()], *snapshot, config, nullptr);
    benchmark::DoNotOptimize(reply);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_route_lookup_from_snapshot)->Threads(1)->Threads(2)->UseRealTime();

void BM_route_lookup_unknown_topic(benchmark::State& state) {
  NamesrvProcessor& processor = shared_processor();
  const auto request = route_request("NoSuchTopic", 401);
  for (auto _ : state) {
    auto reply = processor.process(request, 1, kNowMs);
    benchmark::DoNotOptimize(reply);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_route_lookup_unknown_topic);

// A broker's periodic re-register of 10,000 topics (unchanged DataVersion): body CRC + JSON parse.
void BM_register_broker_10k_topics_unchanged(benchmark::State& state) {
  NamesrvProcessor& processor = shared_processor();
  const auto request = register_request(0, kTopicCount, 1);
  for (auto _ : state) {
    auto reply = processor.process(request, 1, kNowMs);
    benchmark::DoNotOptimize(reply);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * request.body.size()));
}
BENCHMARK(BM_register_broker_10k_topics_unchanged)->Unit(benchmark::kMillisecond);

// Cost of publishing a snapshot after a route change (copying 10,000 topics x 4 QueueData).
void BM_snapshot_copy(benchmark::State& state) {
  const RouteInfoManager& manager = shared_processor().route_info_manager();
  for (auto _ : state) {
    auto snapshot = manager.snapshot();
    benchmark::DoNotOptimize(snapshot);
  }
}
BENCHMARK(BM_snapshot_copy)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ringmq::namesrv::bench

BENCHMARK_MAIN();
