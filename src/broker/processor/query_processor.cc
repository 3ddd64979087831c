// Offset and time queries (docs/PROTOCOL.md §6.6) and VIEW_MESSAGE_BY_ID (§6.9), answered on
// the core that owns the queue or the physical offset; QUERY_MESSAGE (by key or unique key), which
// asks every core's index files.
#include <algorithm>
#include <memory>
#include <string>

#include "broker/processor/broker_processors.h"
#include "broker/broker_runtime.h"
#include "broker/queue_shard.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

// The header field a query answers in, and its value for one queue.
void answer_offset_query(const RequestContext& ctx, CoreState& cs, std::int32_t code, const std::string& topic,
                         store::QueueId queue, std::int64_t timestamp) {
  auto response = make_response(ctx.ref, rc::kSuccess);
  response.has_ext_fields = true;
  const store::ShardStore& shard = *cs.shard;
  switch (code) {
    case req::kGetMaxOffset: response.ext_fields.set_int("offset", shard.max_offset(topic, queue).value); break;
    case req::kGetMinOffset: response.ext_fields.set_int("offset", shard.min_offset(topic, queue).value); break;
    case req::kSearchOffsetByTimestamp:
      response.ext_fields.set_int("offset", shard.offset_for_timestamp(topic, queue, timestamp).value);
      break;
    default: {  // GET_EARLIEST_MSG_STORETIME
      auto ts = shard.store_timestamp_at(topic, queue, shard.min_offset(topic, queue));
      response.ext_fields.set_int("timestamp", ts.ok() ? *ts : -1);
      break;
    }
  }
  ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
}

}  // namespace

void process_offset_query(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto topic = request.ext_fields.get_string("topic");
  auto queue = request.ext_fields.get_int32("queueId");
  auto timestamp = request.ext_fields.get_int64_or("timestamp", 0);
  if (request.code == req::kSearchOffsetByTimestamp && !request.ext_fields.contains("timestamp")) {
    timestamp = make_error(Errc::not_found, "the custom field <timestamp> is null");
  }
  if (!topic.ok() || !queue.ok() || !timestamp.ok()) {
    const Error& e = !topic.ok() ? topic.error() : !queue.ok() ? queue.error() : timestamp.error();
    return ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSystemError, e.to_string()));
  }
  const unsigned owner = shard_of_queue(*topic, *queue, ctx.rt.core_count()).value;
  ctx.rt.run_on(owner, [ctx, owner, code = request.code, t = std::string(*topic), q = *queue, ts = *timestamp] {
    answer_offset_query(ctx, ctx.rt.core_state(owner), code, t, store::QueueId{q}, ts);
  });
}

void process_view_message_by_id(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto offset = request.ext_fields.get_int64("offset");
  if (!offset.ok()) {
    return ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSystemError, offset.error().to_string()));
  }
  const store::PhysicalOffset at{*offset};
  const unsigned shard = store::shard_of(at).value;
  if (*offset < 0 || shard >= ctx.rt.core_count()) {
    return ctx.rt.reply(ctx.target, ctx.ref,
                        make_response(ctx.ref, rc::kSystemError, "can not find message by the offset"));
  }
  ctx.rt.run_on(shard, [ctx, shard, at] {
    auto record = ctx.rt.core_state(shard).shard->message_at(at);
    if (!record.ok()) {
      return ctx.rt.reply(ctx.target, ctx.ref,
                          make_response(ctx.ref, rc::kSystemError, "can not find message by the offset"));
    }
    auto response = make_response(ctx.ref, rc::kSuccess);
    const Bytes bytes = record->bytes();
    response.body.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
  });
}

namespace {

// QueryMessageProcessor: a unique-key query returns at most defaultQueryMaxNum records; any query
// at most maxMsgsNumBatch (MessageStoreConfig defaults; IndexService#queryOffset caps maxNum).
constexpr std::int32_t kDefaultQueryMaxNum = 32;
constexpr std::int32_t kQueryMaxNumLimit = 64;

struct QueryGather {
  std::string topic;
  std::string key;
  bool unique = false;
  std::int64_t begin_ms = 0;
  std::int64_t end_ms = 0;
  std::size_t max = 0;
  std::size_t found = 0;
  std::string body;
  // QueryMessageResponseHeader: the newest index entry of any shard.
  std::int64_t index_last_update_ms = 0;
  std::int64_t index_last_update_offset = 0;
};

void gather_shard(QueryGather& g, const store::ShardStore& shard) {
  if (shard.index_last_update_timestamp_ms() > g.index_last_update_ms) {
    g.index_last_update_ms = shard.index_last_update_timestamp_ms();
    g.index_last_update_offset = shard.index_last_update_physical_offset().value;
  }
  if (g.found >= g.max) return;
  const std::size_t room = g.max - g.found;
  auto records = g.unique ? shard.query_by_unique_key(g.topic, g.key, g.begin_ms, g.end_ms, room)
                          : shard.query_by_key(g.topic, g.key, g.begin_ms, g.end_ms, room);
  // The index walks newest first; DefaultMessageStore#queryMessage answers in offset order.
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    const Bytes bytes = it->bytes();
    g.body.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    ++g.found;
  }
}

}  // namespace

// Every shard's index is asked in turn (a key's messages may be on any queue); the body is the
// stored records back to back, as MessageDecoder#decodes reads them.
void process_query_message(RequestContext ctx, remoting::RemotingCommand&& request) {
  auto topic = request.ext_fields.get_string("topic");
  auto key = request.ext_fields.get_string("key");
  auto max_num = request.ext_fields.get_int32("maxNum");
  auto begin = request.ext_fields.get_int64("beginTimestamp");
  auto end = request.ext_fields.get_int64("endTimestamp");
  if (!topic.ok() || !key.ok() || !max_num.ok() || !begin.ok() || !end.ok()) {
    const Error& e = !topic.ok() ? topic.error() : !key.ok() ? key.error() : !max_num.ok() ? max_num.error()
                     : !begin.ok() ? begin.error() : end.error();
    return ctx.rt.reply(ctx.target, ctx.ref, make_response(ctx.ref, rc::kSystemError, e.to_string()));
  }
  auto g = std::make_shared<QueryGather>();
  g->topic = std::string(*topic);
  g->key = std::string(*key);
  g->unique = request.ext_fields.get("_UNIQUE_KEY_QUERY") == std::optional<std::string_view>("true");
  g->begin_ms = *begin;
  g->end_ms = *end;
  g->max = static_cast<std::size_t>(std::clamp(g->unique ? kDefaultQueryMaxNum : *max_num, 0, kQueryMaxNumLimit));
  visit_all_cores(
      ctx.rt, [g](CoreState& cs) { gather_shard(*g, *cs.shard); },
      [ctx, g] {
        // The header goes with either answer (Java sets it before looking at the result).
        auto response = g->found == 0 ? make_response(ctx.ref, rc::kQueryNotFound,
                                                      "can not find message, maybe time range not correct")
                                      : make_response(ctx.ref, rc::kSuccess);
        response.has_ext_fields = true;
        response.ext_fields.set_int("indexLastUpdateTimestamp", g->found == 0 ? 0 : g->index_last_update_ms);
        response.ext_fields.set_int("indexLastUpdatePhyoffset", g->found == 0 ? 0 : g->index_last_update_offset);
        response.body = std::move(g->body);
        ctx.rt.reply(ctx.target, ctx.ref, std::move(response));
      });
}

}  // namespace ringmq::broker
