#include "protocol/properties.h"

namespace ringmq::protocol {

std::optional<std::string_view> find_property(std::string_view text, std::string_view name) {
  std::optional<std::string_view> found;
  for_each_property(text, [&](std::string_view n, std::string_view v) {
    if (n == name) found = v;
  });
  return found;
}

}  // namespace ringmq::protocol
