// PullMessageProcessor: PULL_MESSAGE (11), docs/PROTOCOL.md §6.4.
//
// Flow across cores:
//   1. receiving core: parse the header, run the checks RocketMQ runs before the store (topic,
//      queue id, group config, subscription; all from this core's snapshots), forward the commit
//      offset to core 0 if the commit flag is set, build the tag filter;
//   2. the queue's core: read up to maxMsgNums records from the ConsumeQueue + CommitLog (pinned
//      ranges, no copy); if nothing is there and the suspend flag is set, park the pull in that
//      core's PullRequestHoldService until a matching append or the suspend timeout;
//   3. receiving core: answer. A FOUND body is the stored records sent straight from the mapped
//      segments (zero copy); the segments stay pinned until the kernel has taken the bytes.
#pragma once

#include <memory>

#include "broker/processor/broker_processors.h"
#include "broker/longpolling/pull_job.h"

namespace ringmq::broker {

void process_pull_message(RequestContext ctx, remoting::RemotingCommand&& request);

// Step 2 on the queue's core; also how a parked pull is re-executed.
void execute_pull(BrokerRuntime& rt, CoreState& owner, std::unique_ptr<PullJob> job);

}  // namespace ringmq::broker
