// The broker's one error map (broker/processor/wire_error.h), checked as a table.
#include "broker/processor/wire_error.h"

#include <doctest/doctest.h>

#include <set>

using namespace ringmq;
using namespace ringmq::broker;
namespace rc = ringmq::remoting::response_code;

TEST_CASE("wire error map: every Errc is listed exactly once") {
  std::set<Errc> seen;
  for (const ErrcWireCode& entry : kErrcWireCodes) CHECK(seen.insert(entry.errc).second);
  CHECK(seen.size() == static_cast<std::size_t>(Errc::unsupported) + 1);
}

TEST_CASE("wire error map: the codes Java's handlePutMessageResult answers") {
  struct Row {
    Errc errc;
    std::int32_t code;
  };
  const Row rows[] = {
      {Errc::too_large, rc::kMessageIllegal},      // MESSAGE_ILLEGAL / PROPERTIES_SIZE_EXCEEDED
      {Errc::invalid_argument, rc::kMessageIllegal},
      {Errc::malformed, rc::kMessageIllegal},
      {Errc::io, rc::kServiceNotAvailable},        // CREATE_MAPEDFILE_FAILED and disk errors
      {Errc::no_space, rc::kServiceNotAvailable},
      {Errc::closed, rc::kServiceNotAvailable},     // SERVICE_NOT_AVAILABLE (shutting down)
      {Errc::busy, rc::kSystemBusy},                // OS_PAGECACHE_BUSY
      {Errc::corrupt, rc::kSystemError},            // UNKNOWN_ERROR
      {Errc::timeout, rc::kSystemError},
  };
  for (const Row& row : rows) {
    CAPTURE(errc_name(row.errc));
    CHECK(wire_code_of(row.errc) == row.code);
  }
}

TEST_CASE("wire error: the code comes from the table, the remark from the error") {
  const WireError e = wire_error_of(make_error(Errc::too_large, "message body of 5 bytes exceeds 4"));
  CHECK(e.code == rc::kMessageIllegal);
  CHECK(e.remark.find("exceeds 4") != std::string::npos);
  CHECK_FALSE(e.ok());
  CHECK(WireError{}.ok());
  auto [code, remark] = WireError{rc::kTopicNotExist, "no topic"};
  CHECK(code == rc::kTopicNotExist);
  CHECK(remark == "no topic");
}
