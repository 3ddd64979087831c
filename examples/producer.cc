// A producer a new user can copy: sync, async and ordered sends.
//   NAMESRV_ADDR=127.0.0.1:9876 ./producer [topic]
#include <cstdio>
#include <string>

#include "client/producer.h"

int main(int argc, char** argv) {
  using namespace ringmq::client;
  const std::string topic = argc > 1 ? argv[1] : "TopicTest";
  ProducerConfig config;
  config.group = "example_producer";  // the NameServer comes from $NAMESRV_ADDR (else 127.0.0.1:9876)
  Producer producer(config);
  if (auto started = producer.start(); !started) {
    std::fprintf(stderr, "start: %s\n", started.error().to_string().c_str());
    return 1;
  }
  for (int i = 0; i < 10; ++i) {
    Message msg(topic, "TagA", "Hello RocketMQ " + std::to_string(i));
    msg.set_keys("key-" + std::to_string(i));
    auto result = producer.send(std::move(msg));
    if (!result) {
      std::fprintf(stderr, "send: %s\n", result.error().to_string().c_str());
      continue;
    }
    std::printf("%s msgId=%s queue=%d offset=%lld\n", send_status_name(result->send_status), result->msg_id.c_str(),
                result->message_queue.queue_id, static_cast<long long>(result->queue_offset));
  }
  // Ordered: every message of order 42 goes to the same queue, in send order.
  for (int step = 0; step < 3; ++step) {
    auto result = producer.send(Message(topic, "Order", "order 42 step " + std::to_string(step)),
                                select_message_queue_by_hash, 42);
    if (result) std::printf("ordered step %d -> queue %d\n", step, result->message_queue.queue_id);
  }
  // Async: the callback runs on the client's callback thread.
  (void)producer.send_async(Message(topic, "async"), [](ringmq::Result<SendResult> result) {
    std::printf("async: %s\n", result ? result->msg_id.c_str() : result.error().to_string().c_str());
  });
  producer.shutdown();  // waits for the async callback
  return 0;
}
