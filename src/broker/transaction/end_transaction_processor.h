// END_TRANSACTION (37): a producer's decision on a half message (RocketMQ
// B/processor/EndTransactionProcessor.java), and the send path's diversion of prepared sends.
#pragma once

#include <cstdint>
#include <string>

#include "broker/processor/broker_processors.h"

namespace ringmq::broker {

// Flow across cores: receiving core (parse, check) -> the core whose CommitLog holds the half
// message (read it, verify producer group and offsets, build the committed copy) -> COMMIT: the
// core owning the real queue (append) -> the core owning the op queue (append the "d" decision)
// -> the reply goes home. ROLLBACK skips the real append. Answered as Java answers: nothing for
// a pending (NOT_TYPE) decision; oneway requests get nothing at all.
void process_end_transaction(RequestContext ctx, remoting::RemotingCommand&& request);

// The send path's one call: a single send whose properties carry TRAN_MSG=true becomes a half
// message (topic, queue, properties and sysFlag rewritten). Returns whether it did.
bool divert_prepared_send(std::string& topic, std::int32_t& queue_id, std::string& properties, std::int32_t& sys_flag);

}  // namespace ringmq::broker
