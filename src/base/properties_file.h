// Java-style .properties files (RocketMQ's broker.conf): "key=value" or "key: value" lines,
// '#' and '!' comments, surrounding whitespace trimmed. Line continuations and unicode escapes,
// which RocketMQ configs do not use, are not supported and are reported as errors when seen.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace ringmq {

using Properties = std::vector<std::pair<std::string, std::string>>;

Result<Properties> parse_properties(std::string_view text);
Result<Properties> read_properties_file(const std::string& path);

}  // namespace ringmq
