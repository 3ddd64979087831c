// SQL92 selectors (filter/sql_expression.h): compiling any text never crashes, and a compiled
// expression evaluates against a fixed property set without crashing, within the depth limit.
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/assert.h"
#include "filter/sql_expression.h"

using namespace ringmq;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto compiled = filter::compile_sql92(text);
  if (!compiled.ok()) return 0;
  RINGMQ_ASSERT(compiled->root() >= 0);
  const filter::PropertyLookup lookup = [](std::string_view name) -> std::optional<std::string_view> {
    if (name == "a") return "10";
    if (name == "b") return "abc";
    if (name == "c") return "1.5e3";
    if (name == "d") return "true";
    return std::nullopt;
  };
  const filter::Value v = compiled->evaluate(lookup);
  RINGMQ_ASSERT(v.kind == filter::ValueKind::null || v.kind == filter::ValueKind::boolean ||
                v.kind == filter::ValueKind::error);
  return 0;
}
