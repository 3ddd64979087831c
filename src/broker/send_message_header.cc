#include "broker/send_message_header.h"

#include <string>
#include <string_view>

#include "remoting/request_code.h"

namespace ringmq::broker {
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
  Reader(const remoting::ExtFields& ext, bool short_names) : ext_(ext), short_(short_names) {}

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
  Status optional_int32(Keys k, std::int32_t& out, bool* present = nullptr) const {
    if (present) *present = ext_.contains(key(k));
    auto v = ext_.get_int32_or(key(k), out);
    if (!v.ok()) return bad(k);
    out = *v;
    return {};
  }
  bool optional_bool(Keys k) const { return ext_.get_bool_or(key(k), false); }
  void optional_string(Keys k, std::string& out) const {
    if (auto v = ext_.get(key(k))) out.assign(*v);
  }

 private:
  Error missing(Keys k) const {
    return make_error(Errc::malformed, "the custom field <" + std::string(key(k)) + "> is null");
  }
  Error bad(Keys k) const {
    return make_error(Errc::malformed, "the custom field <" + std::string(key(k)) + "> is not a number");
  }

  const remoting::ExtFields& ext_;
  bool short_;
};

}  // namespace

Result<SendMessageRequestHeader> parse_send_message_header(std::int32_t code, const remoting::ExtFields& ext) {
  const bool short_names = code != remoting::request_code::kSendMessage &&
                           code != remoting::request_code::kSendReplyMessage;
  const Reader r(ext, short_names);
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
  RINGMQ_TRY(r.optional_int32(kMaxReconsumeTimes, h.max_reconsume_times, &h.has_max_reconsume_times));
  h.batch = code == remoting::request_code::kSendBatchMessage || r.optional_bool(kBatch);
  r.optional_string(kBrokerName, h.broker_name);
  return h;
}

}  // namespace ringmq::broker
