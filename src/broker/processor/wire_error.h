// The broker's one verdict type and its one error map. A processor check answers a WireError
// (RocketMQ response code + remark; kSuccess when the request may go on), and a failure from the
// store or the broker's own managers (an Error with its Errc) becomes a response code through one
// table, kErrcWireCodes, instead of a switch per processor.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "base/result.h"
#include "remoting/response_code.h"

namespace ringmq::broker {

struct WireError {
  std::int32_t code = remoting::response_code::kSuccess;
  std::string remark;

  bool ok() const { return code == remoting::response_code::kSuccess; }
};

struct ErrcWireCode {
  Errc errc;
  std::int32_t code;
};

// What a failed store append answers (Java's SendMessageProcessor#handlePutMessageResult): a
// message the store refuses is MESSAGE_ILLEGAL, a disk or file failure SERVICE_NOT_AVAILABLE, a
// full queue SYSTEM_BUSY. Every Errc is listed, so a new one must be placed here.
inline constexpr std::array<ErrcWireCode, 12> kErrcWireCodes = {{
    {Errc::io, remoting::response_code::kServiceNotAvailable},
    {Errc::invalid_argument, remoting::response_code::kMessageIllegal},
    {Errc::malformed, remoting::response_code::kMessageIllegal},
    {Errc::too_large, remoting::response_code::kMessageIllegal},
    {Errc::not_found, remoting::response_code::kSystemError},
    {Errc::already_exists, remoting::response_code::kSystemError},
    {Errc::corrupt, remoting::response_code::kSystemError},
    {Errc::no_space, remoting::response_code::kServiceNotAvailable},
    {Errc::timeout, remoting::response_code::kSystemError},
    {Errc::closed, remoting::response_code::kServiceNotAvailable},
    {Errc::busy, remoting::response_code::kSystemBusy},
    {Errc::unsupported, remoting::response_code::kSystemError},
}};

// The table's code for `errc` (SYSTEM_ERROR for one it does not list).
std::int32_t wire_code_of(Errc errc);
// The code of `e` from the table, its text as the remark.
WireError wire_error_of(const Error& e);

}  // namespace ringmq::broker
