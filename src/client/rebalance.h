// Queue allocation among the consumers of a group (docs/PROTOCOL.md §13;
// AllocateMessageQueueAveragely.java). Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "client/message.h"

namespace ringmq::client {

// The queues `current_cid` takes from `mq_all` among `cid_all`. Both inputs are sorted here
// (MessageQueue order; client ids by byte order, which equals Java's String.compareTo for ASCII).
// A client id not in `cid_all` gets nothing.
std::vector<MessageQueue> allocate_averagely(std::vector<MessageQueue> mq_all, std::vector<std::string> cid_all,
                                             std::string_view current_cid);

}  // namespace ringmq::client
