// Producer's private types, shared by producer.cc and producer_prepare.cc only.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "client/producer.h"

namespace ringmq::client {

// An encoded message (or batch), ready to be sent to any queue of its topic.
struct Producer::Prepared {
  std::string topic;
  std::string body;        // compressed when sys_flag says so; the batch encoding for a batch
  std::string properties;  // encoded properties string
  std::string msg_id;      // UNIQ_KEY, comma-joined for a batch
  std::int32_t sys_flag = 0;
  std::int32_t flag = 0;
  std::int64_t born_timestamp_ms = 0;
  bool batch = false;
};

// The state of one async send across its retries; owned by the in-flight call.
struct Producer::AsyncSend {
  Prepared prepared;
  SendCallback callback;
  bool has_fixed_mq = false;
  MessageQueue fixed_mq;
  int attempts_left = 0;
  std::string last_failed_broker;
  std::int64_t deadline_ms = 0;  // monotonic
  std::size_t publish_queue_count = 0;  // of the route the last attempt chose from, for error reports
};

}  // namespace ringmq::client
