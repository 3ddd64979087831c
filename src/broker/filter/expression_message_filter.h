// ExpressionMessageFilter (RocketMQ 4.9.4 broker/filter): the SQL92 side of a pull. Decides
// whether a subscription's expression may be used (enablePropertyFilter, a parsable selector)
// with the codes and remarks PullMessageProcessor answers, and turns the compiled expression into
// the store's record filter, which reads a stored record's properties and evaluates it.
//
// Compiled expressions are cached per thread (each reactor core has its own cache; no locks),
// as SelectorParser caches them, so a consumer's repeated pulls compile once.
#pragma once

#include <cstddef>
#include <memory>

#include "broker/broker_limits.h"
#include "broker/broker_config.h"
#include "broker/processor/wire_error.h"
#include "filter/sql_expression.h"
#include "protocol/heartbeat_data.h"
#include "store/shard_store.h"

namespace ringmq::broker {

using CompiledFilter = std::shared_ptr<const filter::Expression>;

// RocketMQ's ExpressionType.isTagType: no type, empty, or "TAG".
bool is_tag_type(std::string_view expression_type);

// The compiled expression of a non-TAG subscription, or the pull's refusal:
// - from_request (the pull carries its subscription): an empty expression or one that does not
//   compile is SUBSCRIPTION_PARSE_FAILED; with enablePropertyFilter off, SYSTEM_ERROR
//   "The broker does not support consumer to filter message by SQL92";
// - from the group's heartbeat: an expression that does not compile is FILTER_DATA_NOT_EXIST
//   (4.9.4 keeps no filter data for it), then the same SYSTEM_ERROR when the filter is off.
Result<CompiledFilter> compiled_filter(const BrokerConfig& config, const protocol::SubscriptionData& sub,
                                       bool from_request, WireError& refusal);

// Compiles through this thread's cache; the error is compile_sql92's.
Result<CompiledFilter> compile_cached(std::string_view expression_type, std::string_view expression);

// The store-side filter: a record matches when its properties make the expression TRUE.
store::RecordFilter record_filter(CompiledFilter expression);

}  // namespace ringmq::broker
