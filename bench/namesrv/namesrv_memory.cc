// Reports resident memory (VmRSS) of a NameServer holding 10,000 topics registered by 4 brokers.
// Usage: bench_namesrv_memory [topics] [brokers]
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "base/log.h"
#include "namesrv_fixture.h"

namespace {

long vm_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ringmq::namesrv;
  const int topics = argc > 1 ? std::atoi(argv[1]) : bench::kTopicCount;
  const int brokers = argc > 2 ? std::atoi(argv[2]) : bench::kBrokerCount;
  ringmq::set_log_level(ringmq::LogLevel::warn);

  malloc_trim(0);
  const long before = vm_rss_kib();
  NamesrvProcessor processor;
  if (!bench::register_all(processor, topics, brokers)) {
    std::fprintf(stderr, "register failed\n");
    return 1;
  }
  malloc_trim(0);  // hand back the freed request bodies so RSS shows what the tables keep
  const long after = vm_rss_kib();
  const auto snapshot = processor.route_info_manager().snapshot();
  malloc_trim(0);
  const long with_snapshot = vm_rss_kib();

  std::printf("topics=%d brokers=%d queue_datas=%d\n", topics, brokers, topics * brokers);
  std::printf("VmRSS before=%ld KiB after_register=%ld KiB (+%ld KiB) with_one_snapshot=%ld KiB (+%ld KiB)\n", before,
              after, after - before, with_snapshot, with_snapshot - after);
  return snapshot->topic_queue_table.size() == static_cast<std::size_t>(topics) ? 0 : 1;
}
