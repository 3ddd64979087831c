#include "broker/processor/wire_error.h"

namespace ringmq::broker {

std::int32_t wire_code_of(Errc errc) {
  for (const ErrcWireCode& entry : kErrcWireCodes) {
    if (entry.errc == errc) return entry.code;
  }
  return remoting::response_code::kSystemError;
}

WireError wire_error_of(const Error& e) { return {wire_code_of(e.code), e.to_string()}; }

}  // namespace ringmq::broker
