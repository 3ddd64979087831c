// The client's names for HeartbeatData and the subscription types inside it (docs/PROTOCOL.md
// §6.1), defined once in protocol/heartbeat_data.h with their encoder and FilterAPI's parser.
#pragma once

#include "protocol/heartbeat_data.h"

namespace ringmq::client {

using protocol::build_subscription;
using protocol::ConsumeFromWhere;
using protocol::ConsumerData;
using protocol::ConsumeType;
using protocol::encode_heartbeat;
using protocol::HeartbeatData;
using protocol::MessageModel;
using protocol::SubscriptionData;

}  // namespace ringmq::client
