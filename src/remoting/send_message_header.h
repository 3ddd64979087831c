// SendMessageRequestHeader (docs/PROTOCOL.md §5.1, §5.2): the custom header of SEND_MESSAGE
// (10, long names), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320) (short names a..n), in one
// struct as the Java broker converts V2 to V1 field by field. The broker parses it; the client
// writes it. Both directions live here so that the two sides cannot drift apart.
//
// Plain value type; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "remoting/command.h"

namespace ringmq::remoting {

// One send header. Each field names its V1 / V2 key. Java's nullable fields that clients leave out
// (`l`, `n`) are optional: absent on the wire, nullopt here, and written only when set.
struct SendMessageRequestHeader {
  std::string producer_group;                       // producerGroup / a, required
  std::string topic;                                // topic / b, required
  std::string default_topic;                        // defaultTopic / c, required (clients: TBW102)
  std::int32_t default_topic_queue_nums = 0;        // defaultTopicQueueNums / d, required
  std::int32_t queue_id = 0;                        // queueId / e, required
  std::int32_t sys_flag = 0;                        // sysFlag / f, required (message_sysflag)
  std::int64_t born_timestamp = 0;                  // bornTimestamp / g, required, ms
  std::int32_t flag = 0;                            // flag / h, required
  std::string properties;                           // properties / i; "" when absent
  std::int32_t reconsume_times = 0;                 // reconsumeTimes / j; 0 when absent
  bool unit_mode = false;                           // unitMode / k; false when absent
  std::optional<std::int32_t> max_reconsume_times;  // maxReconsumeTimes / l
  bool batch = false;                               // batch / m; SEND_BATCH_MESSAGE is always one
  std::optional<std::string> broker_name;           // bname / n (5.x)

  friend bool operator==(const SendMessageRequestHeader&, const SendMessageRequestHeader&) = default;
};

// Whether `code` carries the short V2 names: every send code but SEND_MESSAGE (10) and
// SEND_REPLY_MESSAGE (324).
bool send_header_uses_short_names(std::int32_t code);

// Decodes the header of a send request with `code`. SEND_BATCH_MESSAGE is always a batch; 310 is
// one when `m` is true. Numbers follow Java's Integer.parseInt / Long.parseLong, booleans
// Boolean.parseBoolean. Missing required fields fail with Errc::malformed "the custom field <K> is
// null" and unparsable numbers with "the custom field <K> is not a number" (K the key as sent); the
// broker answers SYSTEM_ERROR with that text, as Java's processors do for a null @CFNotNull field.
Result<SendMessageRequestHeader> parse_send_message_header(std::int32_t code, const ExtFields& ext);

// Appends `header` to `ext` with the names `code` uses, in the order a..n: every field but the
// optional ones, which only when set. Numbers in decimal, booleans as "true"/"false". A 4.9.4 Java
// client's SEND_MESSAGE_V2 comes out key for key (a..k, m). `ext` must not hold these keys yet.
void write_send_message_header(std::int32_t code, const SendMessageRequestHeader& header, ExtFields& ext);

}  // namespace ringmq::remoting
