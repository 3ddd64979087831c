// The client's data types, named as in RocketMQ's Java client: Message (what a producer sends),
// MessageExt (what a consumer receives), MessageQueue, SendResult, PullResult. Plain values: any
// thread may own them.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/message_queue.h"
#include "remoting/message_properties.h"

namespace ringmq::client {

// One queue of a topic on one broker group (defined once, with its JSON, in protocol/).
using protocol::MessageQueue;
using protocol::MessageQueueHash;

class Message {
 public:
  Message() = default;
  Message(std::string topic, std::string body) : topic_(std::move(topic)), body_(std::move(body)) {}
  Message(std::string topic, std::string tags, std::string body);

  const std::string& topic() const { return topic_; }
  void set_topic(std::string topic) { topic_ = std::move(topic); }
  const std::string& body() const { return body_; }
  std::string& mutable_body() { return body_; }
  void set_body(std::string body) { body_ = std::move(body); }
  std::int32_t flag() const { return flag_; }
  void set_flag(std::int32_t flag) { flag_ = flag; }

  std::string_view tags() const { return property(remoting::property::kTags); }
  void set_tags(std::string_view tags) { set_property(remoting::property::kTags, tags); }
  std::string_view keys() const { return property(remoting::property::kKeys); }
  // Business keys, space-separated on the wire; indexed by the broker.
  void set_keys(std::string_view keys) { set_property(remoting::property::kKeys, keys); }
  void set_keys(const std::vector<std::string>& keys);
  // 1..18 (§11.1); 0 = none.
  int delay_time_level() const;
  void set_delay_time_level(int level);
  // Whether a SYNC_FLUSH / SYNC_MASTER broker answers only once the message is durable (WAIT).
  bool wait_store_msg_ok() const;
  void set_wait_store_msg_ok(bool wait);

  // "" when absent.
  std::string_view property(std::string_view name) const;
  void set_property(std::string_view name, std::string_view value);
  void clear_property(std::string_view name) { properties_.erase(name); }
  const remoting::MessageProperties& properties() const { return properties_; }
  remoting::MessageProperties& mutable_properties() { return properties_; }

 private:
  std::string topic_;
  std::string body_;
  std::int32_t flag_ = 0;
  remoting::MessageProperties properties_;
};

// A message as stored by a broker (decoded from a PULL reply, §8.6).
class MessageExt : public Message {
 public:
  // UNIQ_KEY when present, else the offset msgId (what Java's MessageClientExt#getMsgId returns).
  std::string_view msg_id() const;

  std::string offset_msg_id;
  std::string broker_name;
  std::int32_t queue_id = 0;
  std::int64_t queue_offset = 0;
  std::int64_t commit_log_offset = 0;
  std::int32_t store_size = 0;
  std::int32_t sys_flag = 0;
  std::int32_t body_crc = 0;
  std::int64_t born_timestamp_ms = 0;
  std::string born_host;  // "ip:port"
  std::int64_t store_timestamp_ms = 0;
  std::string store_host;
  std::int32_t reconsume_times = 0;
  std::int64_t prepared_transaction_offset = 0;
};

enum class SendStatus { send_ok, flush_disk_timeout, flush_slave_timeout, slave_not_available };
const char* send_status_name(SendStatus status);

struct SendResult {
  SendStatus send_status = SendStatus::send_ok;
  // The UNIQ_KEY(s) of the message(s) sent; comma-joined for a batch.
  std::string msg_id;
  // The broker's offset msgId(s) (§4.5b); comma-joined for a batch.
  std::string offset_msg_id;
  MessageQueue message_queue;
  // ConsumeQueue offset of the (first) message.
  std::int64_t queue_offset = 0;
  std::string transaction_id;
  std::string region_id;
  bool trace_on = true;
};

enum class PullStatus { found, no_new_msg, no_matched_msg, offset_illegal };
const char* pull_status_name(PullStatus status);

struct PullResult {
  PullStatus pull_status = PullStatus::no_new_msg;
  std::int64_t next_begin_offset = 0;
  std::int64_t min_offset = 0;
  std::int64_t max_offset = 0;
  // Where the broker suggests pulling this queue next time (0 = master, §12.4).
  std::int64_t suggest_which_broker_id = 0;
  std::vector<MessageExt> msg_found_list;
};

}  // namespace ringmq::client
