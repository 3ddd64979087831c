// `ringmq bench produce|consume|e2e`: throughput and latency against a running NameServer and
// brokers, built on the client library. Every second it prints msgs/s, MB/s, p50/p99/p999/max
// latency and errors; then a summary of the measured seconds (the warm-up is excluded). --json
// prints the same as JSON lines.
//
// Honest latency: at a fixed --rate every message has a due time (start + k / rate per thread);
// latency runs from the due time, not from when the send actually started, so a stall that delays
// later sends is charged to them (coordinated omission). At max rate it runs from the send call.
// End-to-end latency runs from the stamp the producer writes into the body (its due time, or its
// send time at max rate; CLOCK_REALTIME, so producer and consumer may be different processes on
// one host) to the consumer's listener.
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <semaphore>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/log.h"
#include "cli/commands.h"
#include "client/bench_stats.h"
#include "client/producer.h"
#include "client/push_consumer.h"

namespace ringmq::cli {

using namespace ringmq::client;

namespace {

// Distinct send-failure reasons printed per run; counting alone would hide why sends fail.
constexpr std::size_t kErrorReasonsShownMax = 8;

// Prints each distinct failure reason once (to stderr, so --json output stays clean).
void report_send_error(const Error& error) {
  static std::mutex mutex;
  static std::set<std::string> seen;
  std::string reason = error.to_string();
  std::lock_guard lock(mutex);
  if (seen.size() >= kErrorReasonsShownMax || !seen.insert(reason).second) return;
  std::fprintf(stderr, "ringmq bench: send failed: %s\n", reason.c_str());
}

// Bodies start with this magic and a CLOCK_REALTIME nanosecond stamp (the due or send time).
constexpr char kBodyMagic[8] = {'R', 'M', 'Q', 'B', 'E', 'N', 'C', 'H'};
constexpr std::size_t kStampBytes = sizeof kBodyMagic + 8;
// Async sends in flight per producer thread (Java's semaphoreAsyncValue is 65536 per client).
constexpr std::ptrdiff_t kAsyncInflightPerThreadMax = 1 << 16;
constexpr int kSecondsMax = 24 * 3600;
constexpr std::int64_t kNsPerSecond = 1000000000;

struct BenchOptions {
  std::string namesrv;
  std::string namesrv_domain;  // address server, used without --namesrv and $NAMESRV_ADDR
  std::string topic = "BenchmarkTest";
  int queues = 8;
  bool create_topic = true;
  std::size_t size = 1024;
  int threads = 1;
  int clients = 1;
  std::string mode = "sync";
  int batch = 1;
  std::int64_t async_inflight = 1024;
  double rate = 0;  // msgs/s in total; 0 = as fast as possible
  int duration_s = 10;
  int warmup_s = 2;
  bool json = false;
  std::string group;
  int consume_threads = 4;
  std::string serialize = "rocketmq";
  std::string access_key;  // ACL 1.0; empty: $ROCKETMQ_ACCESS_KEY (ClientConfig::credentials)
  std::string secret_key;
};

std::int64_t realtime_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * kNsPerSecond + ts.tv_nsec;
}

ClientConfig client_config(const BenchOptions& o) {
  ClientConfig config;
  config.namesrv_addr = o.namesrv;
  config.namesrv_domain = o.namesrv_domain;
  config.serialize_type = o.serialize == "json" ? remoting::SerializeType::json : remoting::SerializeType::rocketmq;
  config.credentials.access_key = o.access_key;
  config.credentials.secret_key = o.secret_key;
  return config;
}

std::string make_body(std::size_t size, std::int64_t stamp_ns) {
  std::string body(std::max(size, kStampBytes), 'x');
  std::memcpy(body.data(), kBodyMagic, sizeof kBodyMagic);
  store_be64(body.data() + sizeof kBodyMagic, static_cast<std::uint64_t>(stamp_ns));
  return body;
}

// The producer's stamp in a bench body, else the born timestamp (ms precision).
std::int64_t body_stamp_ns(const MessageExt& msg) {
  const std::string& body = msg.body();
  if (body.size() >= kStampBytes && std::memcmp(body.data(), kBodyMagic, sizeof kBodyMagic) == 0)
    return static_cast<std::int64_t>(load_be64(body.data() + sizeof kBodyMagic));
  return msg.born_timestamp_ms * 1000000;
}

// Prints a line per second and the summary; returns once warm-up + duration have passed or `stop`.
class Reporter {
 public:
  Reporter(const BenchOptions& o, std::vector<std::pair<std::string, BenchStats*>> runs)
      : options_(o), runs_(std::move(runs)), totals_(runs_.size()) {}

  void run(const std::atomic<bool>& stop) {
    const auto start = std::chrono::steady_clock::now();
    const int total = std::min(options_.warmup_s + options_.duration_s, kSecondsMax);
    for (int tick = 1; tick <= total && !stop.load(); ++tick) {
      std::this_thread::sleep_until(start + std::chrono::seconds(tick));
      const int second = tick - options_.warmup_s;  // <= 0 during warm-up
      for (std::size_t i = 0; i < runs_.size(); ++i) {
        BenchSample sample = runs_[i].second->collect();
        print(options_.json ? format_sample_json(runs_[i].first, second, 1.0, sample, false)
                            : format_sample_text(runs_[i].first, second <= 0 ? second - 1 : second, 1.0, sample));
        if (second > 0) totals_[i].merge(sample);
      }
      measured_s_ = std::max(0, second);
    }
  }

  void summary() const {
    for (std::size_t i = 0; i < runs_.size(); ++i) {
      const double seconds = measured_s_ > 0 ? measured_s_ : 1;
      print(options_.json ? format_sample_json(runs_[i].first, 0, seconds, totals_[i], true)
                          : format_sample_text(runs_[i].first + " SUMMARY", measured_s_, seconds, totals_[i]));
    }
  }

 private:
  static void print(const std::string& line) {
    std::fprintf(stdout, "%s\n", line.c_str());
    std::fflush(stdout);
  }

  const BenchOptions& options_;
  std::vector<std::pair<std::string, BenchStats*>> runs_;
  std::vector<BenchSample> totals_;
  int measured_s_ = 0;
};

// Paces one thread at `rate_per_thread` msgs/s (0 = unpaced). due() is the next message's due time
// (monotonic ns); the thread sleeps until it if early and sends at once if late.
class Pacer {
 public:
  explicit Pacer(double rate_per_thread)
      : interval_ns_(rate_per_thread > 0 ? static_cast<std::int64_t>(kNsPerSecond / rate_per_thread) : 0),
        next_ns_(monotonic_ns()) {}

  std::int64_t wait_next(std::int64_t count) {
    if (interval_ns_ == 0) return monotonic_ns();
    const std::int64_t due = next_ns_;
    next_ns_ += interval_ns_ * count;
    const std::int64_t now = monotonic_ns();
    if (due > now) std::this_thread::sleep_for(std::chrono::nanoseconds(due - now));
    return due;
  }
  bool paced() const { return interval_ns_ != 0; }

 private:
  std::int64_t interval_ns_;
  std::int64_t next_ns_;
};

struct ProduceRun {
  const BenchOptions& options;
  BenchStats stats;
  std::vector<std::unique_ptr<Producer>> producers;
  std::atomic<bool> stop{false};

  ProduceRun(const BenchOptions& o) : options(o), stats(static_cast<std::size_t>(o.threads) + 1) {}
};

// One producer thread: sends until `stop`, recording per message (or batch).
void produce_loop(ProduceRun& run, int index) {
  const BenchOptions& o = run.options;
  Producer& producer = *run.producers[static_cast<std::size_t>(index % o.clients)];
  Pacer pacer(o.rate / o.threads);
  const auto shard = static_cast<std::size_t>(index);
  const std::size_t callback_shard = run.stats.shard_count() - 1;
  auto inflight = std::make_shared<std::counting_semaphore<kAsyncInflightPerThreadMax>>(
      std::max<std::ptrdiff_t>(1, o.async_inflight / o.threads));
  const auto per_send = static_cast<std::uint64_t>(o.batch);
  const std::uint64_t bytes = per_send * o.size;
  while (!run.stop.load(std::memory_order_relaxed)) {
    const std::int64_t due = pacer.wait_next(o.batch);
    // The stamp is the due time (fixed rate) or now, on the wall clock, for e2e consumers.
    const std::int64_t stamp = realtime_ns() - (monotonic_ns() - due);
    if (o.mode == "async") {
      inflight->acquire();
      auto done = [&run, inflight, due, per_send, bytes, callback_shard](Result<SendResult> r) {
        if (r) {
          run.stats.record(callback_shard, per_send, bytes, monotonic_ns() - due);
        } else {
          report_send_error(r.error());
          run.stats.record_error(callback_shard);
        }
        inflight->release();
      };
      Status sent = o.batch > 1 ? [&] {
        std::vector<Message> batch;
        for (int i = 0; i < o.batch; ++i) batch.emplace_back(o.topic, make_body(o.size, stamp));
        return producer.send_async(std::move(batch), done);
      }()
                                : producer.send_async(Message(o.topic, make_body(o.size, stamp)), done);
      if (!sent) {
        inflight->release();
        report_send_error(sent.error());
        run.stats.record_error(shard);
      }
      continue;
    }
    Status sent;
    if (o.mode == "oneway") {
      sent = producer.send_oneway(Message(o.topic, make_body(o.size, stamp)));
    } else if (o.batch > 1) {
      std::vector<Message> batch;
      for (int i = 0; i < o.batch; ++i) batch.emplace_back(o.topic, make_body(o.size, stamp));
      if (auto r = producer.send(std::move(batch)); !r) sent = r.take_error();
    } else {
      if (auto r = producer.send(Message(o.topic, make_body(o.size, stamp))); !r) sent = r.take_error();
    }
    if (sent) {
      run.stats.record(shard, per_send, bytes, monotonic_ns() - due);
    } else {
      report_send_error(sent.error());
      run.stats.record_error(shard);
    }
  }
  // Wait for this thread's async sends before the producers shut down.
  for (std::ptrdiff_t i = 0; i < std::max<std::ptrdiff_t>(1, o.async_inflight / o.threads); ++i) {
    if (!inflight->try_acquire_for(std::chrono::seconds(5))) break;
  }
}

Status start_producers(ProduceRun& run) {
  const BenchOptions& o = run.options;
  for (int i = 0; i < o.clients; ++i) {
    ProducerConfig config;
    config.group = fmt::format("bench_producer_{}", ::getpid());
    config.client = client_config(o);
    config.client.callback_threads = 2;
    // The bench's callback only records a latency: run it where the answer is read, so the client
    // spends its CPU on sending, not on waking a pool thread per message (same client for every
    // broker measured).
    config.callbacks_on_io_thread = true;
    // Bench bodies are random-free filler: compressing them would measure zlib, not the broker.
    config.compress_msg_body_over_howmuch = kDefaultMaxMessageBytes + 1;
    auto producer = std::make_unique<Producer>(config);
    RINGMQ_TRY(producer->start());
    run.producers.push_back(std::move(producer));
  }
  if (o.create_topic) RINGMQ_TRY(run.producers.front()->create_topic(kAutoCreateTopicKey, o.topic, o.queues));
  return {};
}

Status validate(const BenchOptions& o) {
  if (o.threads < 1 || o.clients < 1 || o.batch < 1 || o.size < 1 || o.duration_s < 1 || o.warmup_s < 0)
    return make_error(Errc::invalid_argument, "threads, clients, batch, size and duration must be positive");
  if (o.mode != "sync" && o.mode != "async" && o.mode != "oneway")
    return make_error(Errc::invalid_argument, "--mode must be sync, async or oneway");
  if (o.mode == "oneway" && o.batch > 1) return make_error(Errc::invalid_argument, "oneway sends no batches");
  return {};
}

int fail(const Error& error) {
  std::fprintf(stderr, "ringmq bench: %s\n", error.to_string().c_str());
  return 1;
}

void add_consume_flags(CLI::App& sub, BenchOptions& o) {
  sub.add_option("--group", o.group, "consumer group (default: a new one per run)");
  sub.add_option("--consume-threads", o.consume_threads, "listener threads")->capture_default_str();
}
// A push consumer that records, per message, the latency from the body's stamp to the listener.
Result<std::unique_ptr<PushConsumer>> start_consumer(const BenchOptions& o, BenchStats& stats,
                                                     ConsumeFromWhere from) {
  PushConsumerConfig config;
  config.group = o.group.empty() ? fmt::format("bench_consumer_{}_{}", ::getpid(), monotonic_ns()) : o.group;
  config.client = client_config(o);
  config.consume_thread_count = static_cast<unsigned>(std::max(1, o.consume_threads));
  config.consume_from_where = from;
  auto consumer = std::make_unique<PushConsumer>(config);
  RINGMQ_TRY(consumer->subscribe(o.topic, "*"));
  consumer->register_message_listener([&stats](const std::vector<MessageExt>& msgs) {
    thread_local const std::size_t shard = std::hash<std::thread::id>{}(std::this_thread::get_id());
    for (const auto& msg : msgs) {
      stats.record(shard, 1, msg.body().size(), realtime_ns() - body_stamp_ns(msg));
    }
    return ConsumeConcurrentlyStatus::consume_success;
  });
  RINGMQ_TRY(consumer->start());
  return consumer;
}

int run_consume(const BenchOptions& o) {
  BenchStats stats(static_cast<std::size_t>(std::max(1, o.consume_threads)) * 2);
  auto consumer = start_consumer(o, stats, ConsumeFromWhere::first_offset);
  if (!consumer) return fail(consumer.error());
  Reporter reporter(o, {{"consume", &stats}});
  std::atomic<bool> never{false};
  reporter.run(never);
  reporter.summary();
  (*consumer)->shutdown();
  return 0;
}

int run_e2e(const BenchOptions& o) {
  if (Status valid = validate(o); !valid) return fail(valid.error());
  ProduceRun run(o);
  if (Status started = start_producers(run); !started) return fail(started.error());
  BenchStats consume_stats(static_cast<std::size_t>(std::max(1, o.consume_threads)) * 2);
  // From the end of the queues: only this run's messages are measured.
  auto consumer = start_consumer(o, consume_stats, ConsumeFromWhere::last_offset);
  if (!consumer) return fail(consumer.error());
  std::vector<std::thread> threads;
  for (int i = 0; i < o.threads; ++i) threads.emplace_back([&run, i] { produce_loop(run, i); });
  Reporter reporter(o, {{"produce", &run.stats}, {"e2e", &consume_stats}});
  std::atomic<bool> never{false};
  reporter.run(never);
  run.stop = true;
  for (auto& t : threads) t.join();
  reporter.summary();
  (*consumer)->shutdown();
  for (auto& p : run.producers) p->shutdown();
  return 0;
}

int run_produce(const BenchOptions& o) {
  if (Status valid = validate(o); !valid) return fail(valid.error());
  ProduceRun run(o);
  if (Status started = start_producers(run); !started) return fail(started.error());
  std::vector<std::thread> threads;
  for (int i = 0; i < o.threads; ++i) threads.emplace_back([&run, i] { produce_loop(run, i); });
  Reporter reporter(o, {{"produce", &run.stats}});
  std::atomic<bool> never{false};
  reporter.run(never);
  run.stop = true;
  for (auto& t : threads) t.join();
  reporter.summary();
  for (auto& p : run.producers) p->shutdown();
  return 0;
}

void add_common_flags(CLI::App& sub, BenchOptions& o) {
  sub.add_option("--namesrv", o.namesrv, "NameServer 'host:port;...' (default: $NAMESRV_ADDR or 127.0.0.1:9876)");
  sub.add_option("--namesrv-domain", o.namesrv_domain,
                 "address server host[:port] serving the NameServer list (used without --namesrv and $NAMESRV_ADDR)");
  sub.add_option("--topic", o.topic, "topic")->capture_default_str();
  sub.add_option("--queues", o.queues, "queues per broker when creating the topic")->capture_default_str();
  sub.add_option("--create-topic", o.create_topic, "create the topic first")->capture_default_str();
  sub.add_option("--size", o.size, "message body bytes")->capture_default_str();
  sub.add_option("--duration", o.duration_s, "measured seconds")->capture_default_str();
  sub.add_option("--warmup", o.warmup_s, "seconds run before measuring (excluded)")->capture_default_str();
  sub.add_flag("--json", o.json, "print JSON lines");
  sub.add_option("--serialize", o.serialize, "header encoding: rocketmq | json")->capture_default_str();
  sub.add_option("--access-key", o.access_key, "ACL access key (default: $ROCKETMQ_ACCESS_KEY)");
  sub.add_option("--secret-key", o.secret_key, "ACL secret key (default: $ROCKETMQ_SECRET_KEY)");
}

void add_produce_flags(CLI::App& sub, BenchOptions& o) {
  sub.add_option("--threads", o.threads, "producer threads")->capture_default_str();
  sub.add_option("--clients", o.clients, "client instances (each its own connection and I/O thread)")
      ->capture_default_str();
  sub.add_option("--mode", o.mode, "sync | async | oneway")->capture_default_str();
  sub.add_option("--batch", o.batch, "messages per send (batch)")->capture_default_str();
  sub.add_option("--rate", o.rate, "msgs/s in total, 0 = as fast as possible")->capture_default_str();
  sub.add_option("--async-inflight", o.async_inflight, "async sends in flight, in total")->capture_default_str();
}

}  // namespace

RunFn add_bench_command(CLI::App& app) {
  app.require_subcommand(1);
  auto options = std::make_shared<BenchOptions>();
  auto* produce = app.add_subcommand("produce", "send as fast as possible or at a fixed rate");
  auto* consume = app.add_subcommand("consume", "consume a topic with a push consumer");
  auto* e2e = app.add_subcommand("e2e", "produce and consume together; latency from due time to delivery");
  add_common_flags(*produce, *options);
  add_produce_flags(*produce, *options);
  add_common_flags(*consume, *options);
  add_consume_flags(*consume, *options);
  add_common_flags(*e2e, *options);
  add_produce_flags(*e2e, *options);
  add_consume_flags(*e2e, *options);
  return [options, produce, consume, e2e]() -> int {
    if (produce->parsed()) return run_produce(*options);
    if (consume->parsed()) return run_consume(*options);
    if (e2e->parsed()) return run_e2e(*options);
    return 2;
  };
}

}  // namespace ringmq::cli
