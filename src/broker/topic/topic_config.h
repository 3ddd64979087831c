// The broker's names for RocketMQ's topic types (defined once in protocol/topic_config.h) and the
// immutable snapshot every core reads (docs/PROTOCOL.md §3.2 perm bits, §7.1).
#pragma once

#include <memory>

#include "protocol/topic_config.h"

namespace ringmq::broker {

using protocol::DataVersion;
using protocol::queue_count_of;
using protocol::TopicConfig;
using protocol::kMultiTagFilterType;
using protocol::kSingleTagFilterType;
namespace perm = protocol::perm;

// An immutable view of every topic. Core 0 (which owns TopicConfigManager) builds a new one on
// each change and hands a shared_ptr to every core; readers never lock.
using TopicSnapshot = protocol::TopicConfigTable;
using TopicSnapshotPtr = std::shared_ptr<const TopicSnapshot>;

}  // namespace ringmq::broker
