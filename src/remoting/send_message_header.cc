#include "remoting/send_message_header.h"

#include <string>
#include <string_view>

#include "remoting/request_code.h"

namespace ringmq::remoting {
namespace {

// The long (V1) and short (V2) key of each header field.
struct Keys {
  std::string_view v1;
  std::string_view v2;
};
constexpr Keys kProducerGroup{"producerGroup", "a"};
constexpr Keys kTopic{"topic", "b"};
constexpr Keys kDefaultTopic{"defaultTopic", "c"};
constexpr Keys kDefaultTopicQueueNums{"defaultTopicQueueNums", "d"};
constexpr Keys kQueueId{"queueId", "e"};
constexpr Keys kSysFlag{"sysFlag", "f"};
constexpr Keys kBornTimestamp{"bornTimestamp", "g"};
constexpr Keys kFlag{"flag", "h"};
constexpr Keys kProperties{"properties", "i"};
constexpr Keys kReconsumeTimes{"reconsumeTimes", "j"};
constexpr Keys kUnitMode{"unitMode", "k"};
constexpr Keys kMaxReconsumeTimes{"maxReconsumeTimes", "l"};
constexpr Keys kBatch{"batch", "m"};
constexpr Keys kBrokerName{"bname", "n"};

class Reader {
 public:
  Reader(const ExtFields& ext, bool short_names) : ext_(ext), short_(short_names) {}

  std::string_view key(Keys k) const { return short_ ? k.v2 : k.v1; }

  Status required_string(Keys k, std::string& out) const {
    auto v = ext_.get(key(k));
    if (!v) return missing(k);
    out.assign(*v);
    return {};
  }
  Status required_int32(Keys k, std::int32_t& out) const {
    auto v = ext_.get_int32(key(k));
    if (!v.ok()) return v.error().code == Errc::not_found ? missing(k) : bad(k);
    out = *v;
    return {};
  }
  Status required_int64(Keys k, std::int64_t& out) const {
    auto v = ext_.get_int64(key(k));
    if (!v.ok()) return v.error().code == Errc::not_found ? missing(k) : bad(k);
    out = *v;
    return {};
  }
  // Leaves `out` as it is when absent.
  Status optional_int32(Keys k, std::int32_t& out) const {
    auto v = ext_.get_int32_or(key(k), out);
    if (!v.ok()) return bad(k);
    out = *v;
    return {};
  }
  Status optional_int32(Keys k, std::optional<std::int32_t>& out) const {
    if (!ext_.contains(key(k))) return {};
    std::int32_t value = 0;
    RINGMQ_TRY(optional_int32(k, value));
    out = value;
    return {};
  }
  bool optional_bool(Keys k) const { return ext_.get_bool_or(key(k), false); }
  void optional_string(Keys k, std::string& out) const {
    if (auto v = ext_.get(key(k))) out.assign(*v);
  }
  void optional_string(Keys k, std::optional<std::string>& out) const {
    if (auto v = ext_.get(key(k))) out.emplace(*v);
  }

 private:
  Error missing(Keys k) const {
    return make_error(Errc::malformed, "the custom field <" + std::string(key(k)) + "> is null");
  }
  Error bad(Keys k) const {
    return make_error(Errc::malformed, "the custom field <" + std::string(key(k)) + "> is not a number");
  }

  const ExtFields& ext_;
  bool short_;
};

class Writer {
 public:
  Writer(ExtFields& ext, bool short_names) : ext_(ext), short_(short_names) {}

  void string(Keys k, std::string_view value) { ext_.append(short_ ? k.v2 : k.v1, value); }
  void number(Keys k, std::int64_t value) { string(k, std::to_string(value)); }
  void boolean(Keys k, bool value) { string(k, value ? "true" : "false"); }

 private:
  ExtFields& ext_;
  bool short_;
};

// The fields a header holds at most (a..n).
constexpr std::size_t kSendHeaderFieldsMax = 14;

}  // namespace

bool send_header_uses_short_names(std::int32_t code) {
  return code != request_code::kSendMessage && code != request_code::kSendReplyMessage;
}

Result<SendMessageRequestHeader> parse_send_message_header(std::int32_t code, const ExtFields& ext) {
  const Reader r(ext, send_header_uses_short_names(code));
  SendMessageRequestHeader h;
  RINGMQ_TRY(r.required_string(kProducerGroup, h.producer_group));
  RINGMQ_TRY(r.required_string(kTopic, h.topic));
  RINGMQ_TRY(r.required_string(kDefaultTopic, h.default_topic));
  RINGMQ_TRY(r.required_int32(kDefaultTopicQueueNums, h.default_topic_queue_nums));
  RINGMQ_TRY(r.required_int32(kQueueId, h.queue_id));
  RINGMQ_TRY(r.required_int32(kSysFlag, h.sys_flag));
  RINGMQ_TRY(r.required_int64(kBornTimestamp, h.born_timestamp));
  RINGMQ_TRY(r.required_int32(kFlag, h.flag));
  r.optional_string(kProperties, h.properties);
  RINGMQ_TRY(r.optional_int32(kReconsumeTimes, h.reconsume_times));
  h.unit_mode = r.optional_bool(kUnitMode);
  RINGMQ_TRY(r.optional_int32(kMaxReconsumeTimes, h.max_reconsume_times));
  h.batch = code == request_code::kSendBatchMessage || r.optional_bool(kBatch);
  r.optional_string(kBrokerName, h.broker_name);
  return h;
}

void write_send_message_header(std::int32_t code, const SendMessageRequestHeader& header, ExtFields& ext) {
  Writer w(ext, send_header_uses_short_names(code));
  ext.reserve(ext.size() + kSendHeaderFieldsMax);
  w.string(kProducerGroup, header.producer_group);
  w.string(kTopic, header.topic);
  w.string(kDefaultTopic, header.default_topic);
  w.number(kDefaultTopicQueueNums, header.default_topic_queue_nums);
  w.number(kQueueId, header.queue_id);
  w.number(kSysFlag, header.sys_flag);
  w.number(kBornTimestamp, header.born_timestamp);
  w.number(kFlag, header.flag);
  w.string(kProperties, header.properties);
  w.number(kReconsumeTimes, header.reconsume_times);
  w.boolean(kUnitMode, header.unit_mode);
  if (header.max_reconsume_times) w.number(kMaxReconsumeTimes, *header.max_reconsume_times);
  w.boolean(kBatch, header.batch);
  if (header.broker_name) w.string(kBrokerName, *header.broker_name);
}

}  // namespace ringmq::remoting
