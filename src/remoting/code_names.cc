// Name tables for request_code.h and response_code.h, generated from their X-macro lists.
#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::remoting {
namespace {

struct CodeName {
  std::int32_t code;
  std::string_view name;
};

#define RINGMQ_CODE_NAME(constant, java_name, code) CodeName{code, #java_name},
constexpr CodeName kRequestNames[] = {RINGMQ_REQUEST_CODES(RINGMQ_CODE_NAME)};
constexpr CodeName kResponseNames[] = {RINGMQ_RESPONSE_CODES(RINGMQ_CODE_NAME)};
#undef RINGMQ_CODE_NAME

template <std::size_t N>
constexpr bool ascending(const CodeName (&table)[N], bool strictly) {
  for (std::size_t i = 1; i < N; ++i) {
    if (table[i - 1].code > table[i].code || (strictly && table[i - 1].code == table[i].code)) return false;
  }
  return true;
}
static_assert(ascending(kRequestNames, true), "binary search needs ascending unique request codes");
static_assert(ascending(kResponseNames, false), "binary search needs ascending response codes");

// Three response codes carry two Java names (5.x POP vs 4.x ACL admin): one entry per code, names
// joined by '|', built once.
struct JoinedName {
  std::int32_t code;
  std::string name;
};
const std::vector<JoinedName>& joined_response_names() {
  static const std::vector<JoinedName> table = [] {
    std::vector<JoinedName> out;
    for (const CodeName& e : kResponseNames) {
      if (!out.empty() && out.back().code == e.code) {
        out.back().name.append("|").append(e.name);
      } else {
        out.push_back({e.code, std::string(e.name)});
      }
    }
    return out;
  }();
  return table;
}

template <typename Table>
std::string_view lookup(const Table& table, std::int32_t code) {
  const auto it = std::lower_bound(std::begin(table), std::end(table), code,
                                   [](const auto& e, std::int32_t c) { return e.code < c; });
  return (it != std::end(table) && it->code == code) ? std::string_view(it->name) : std::string_view();
}

}  // namespace

std::string_view request_code_name(std::int32_t code) { return lookup(kRequestNames, code); }
std::string_view response_code_name(std::int32_t code) { return lookup(joined_response_names(), code); }

}  // namespace ringmq::remoting
