// A transparent hash for std::unordered_map<std::string, ...>: with std::equal_to<> it lets
// find() take a std::string_view, so a lookup on a hot path builds no std::string.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace ringmq {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace ringmq
