// Where a broker reply goes, and the per-core table that holds the right to send it.
//
// A request arrives on the core that owns its connection (the "home" core); its rpc::ReplyContext
// must be used and destroyed there (rpc/reply_context.h). Work on a queue owned by another core
// crosses over as a job carrying a ReplyTarget, a plain value naming the home core and a slot in
// that core's PendingReplies; the response crosses back and is sent from the slot's context. A
// oneway request parks nothing (token 0) and gets nothing.
//
// Core affinity: PendingReplies belongs to its core (CoreState::replies); ReplyTarget is a value
// any core may carry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "remoting/command.h"
#include "rpc/reply_context.h"

namespace ringmq::broker {

struct ReplyTarget {
  unsigned core = 0;
  std::uint64_t token = 0;  // slot in the home core's PendingReplies; 0 = oneway, nothing owed
};

// What a reply needs to know about its request (for building the response on any core).
struct RequestRef {
  std::int32_t opaque = 0;
  remoting::SerializeType serialize_type = remoting::SerializeType::json;
  bool oneway = false;

  static RequestRef of(const remoting::RemotingCommand& request) {
    return {request.opaque, request.serialize_type, request.is_oneway()};
  }
};

// A response skeleton: RESPONSE flag, the request's opaque and serialization (the ReplyContext
// sets them again when sending; builders use them to pick an encoding).
remoting::RemotingCommand make_response(const RequestRef& ref, std::int32_t code, std::string remark = {});

// Reply contexts parked while their request's work runs elsewhere. A slab with generations, so a
// stale token (answered already) finds nothing. Bounded by the rpc layer's open-request limit per
// connection (rpc::kOpenRequestsPerConnectionMax).
class PendingReplies {
 public:
  std::uint64_t park(rpc::ReplyContext reply);
  // The context of `token`, removed from the table; nullopt if stale.
  std::optional<rpc::ReplyContext> take(std::uint64_t token);
  std::size_t size() const { return used_; }
  // Drops every parked context (core stopping: connections are gone).
  void clear();

 private:
  struct Slot {
    rpc::ReplyContext reply;
    std::uint32_t generation = 1;
    bool used = false;
  };
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::size_t used_ = 0;
};

}  // namespace ringmq::broker
