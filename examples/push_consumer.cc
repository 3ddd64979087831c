// A push consumer a new user can copy: clustering, concurrent listener. Ctrl-C to stop.
//   NAMESRV_ADDR=127.0.0.1:9876 ./push_consumer [topic] [group]
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "client/push_consumer.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
}

int main(int argc, char** argv) {
  using namespace ringmq::client;
  const std::string topic = argc > 1 ? argv[1] : "TopicTest";
  PushConsumerConfig config;
  config.group = argc > 2 ? argv[2] : "example_consumer";
  config.consume_from_where = ConsumeFromWhere::first_offset;
  PushConsumer consumer(config);
  (void)consumer.subscribe(topic, "*");
  consumer.register_message_listener([](const std::vector<MessageExt>& msgs) {
    for (const auto& msg : msgs) {
      std::printf("queue %d offset %lld: %s\n", msg.queue_id, static_cast<long long>(msg.queue_offset),
                  msg.body().c_str());
    }
    return ConsumeConcurrentlyStatus::consume_success;  // reconsume_later sends it back for a retry
  });
  if (auto started = consumer.start(); !started) {
    std::fprintf(stderr, "start: %s\n", started.error().to_string().c_str());
    return 1;
  }
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  consumer.shutdown();  // commits offsets
  return 0;
}
