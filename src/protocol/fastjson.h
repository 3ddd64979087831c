// Reading what fastjson (RocketMQ's JSON library) writes that standard JSON parsers reject.
#pragma once

#include <string>
#include <string_view>

namespace ringmq::protocol {

// fastjson's default form writes Map<Integer/Long,..> keys bare ({0:"a"}, {0:12}); this quotes
// every bare integer object key ({"0":"a"}) and leaves strings and values alone, so simdjson
// accepts the text. Standard JSON passes through unchanged.
std::string quote_numeric_keys(std::string_view json);

}  // namespace ringmq::protocol
