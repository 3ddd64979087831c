#include "broker/filter/expression_message_filter.h"

#include <string>
#include <unordered_map>

#include "protocol/properties.h"
#include "protocol/stored_message.h"
#include "remoting/response_code.h"

namespace ringmq::broker {
namespace {

namespace rc = remoting::response_code;

struct FilterCache {
  std::unordered_map<std::string, CompiledFilter> compiled;  // key: type + '\n' + expression
};

FilterCache& this_thread_cache() {
  thread_local FilterCache cache;
  return cache;
}

}  // namespace

bool is_tag_type(std::string_view expression_type) {
  return expression_type.empty() || expression_type == protocol::kExpressionTypeTag;
}

Result<CompiledFilter> compile_cached(std::string_view expression_type, std::string_view expression) {
  if (expression_type != filter::kExpressionTypeSql92) {
    return make_error(Errc::unsupported, "filter type " + std::string(expression_type) + " is not supported");
  }
  FilterCache& cache = this_thread_cache();
  std::string key;
  key.reserve(expression_type.size() + 1 + expression.size());
  key.append(expression_type).append(1, '\n').append(expression);
  if (auto it = cache.compiled.find(key); it != cache.compiled.end()) return it->second;
  RINGMQ_TRY_ASSIGN(filter::Expression compiled, filter::compile_sql92(expression));
  if (cache.compiled.size() >= kCompiledFiltersPerCoreMax) cache.compiled.clear();
  auto shared = std::make_shared<const filter::Expression>(std::move(compiled));
  cache.compiled.emplace(std::move(key), shared);
  return CompiledFilter(shared);
}

Result<CompiledFilter> compiled_filter(const BrokerConfig& config, const protocol::SubscriptionData& sub,
                                       bool from_request, WireError& refusal) {
  const WireError not_supported{rc::kSystemError,
                                "The broker does not support consumer to filter message by " + sub.expression_type};
  if (from_request && sub.sub_string.empty()) {
    refusal = {rc::kSubscriptionParseFailed, "parse the consumer's subscription failed"};
    return make_error(Errc::invalid_argument, refusal.remark);
  }
  if (from_request && !config.enable_property_filter) {
    refusal = not_supported;
    return make_error(Errc::unsupported, refusal.remark);
  }
  Result<CompiledFilter> compiled = compile_cached(sub.expression_type, sub.sub_string);
  if (!compiled.ok()) {
    refusal = from_request ? WireError{rc::kSubscriptionParseFailed, "parse the consumer's subscription failed"}
                           : WireError{rc::kFilterDataNotExist,
                                       "The broker's consumer filter data is not exist!Your expression may be wrong!"};
    return compiled;
  }
  if (!config.enable_property_filter) {
    refusal = not_supported;
    return make_error(Errc::unsupported, refusal.remark);
  }
  return compiled;
}

store::RecordFilter record_filter(CompiledFilter expression) {
  return [expression = std::move(expression)](Bytes record) {
    const Result<protocol::StoredMessage> m = protocol::decode_stored_message(record);
    if (!m.ok()) return false;
    const std::string_view properties = m->properties;
    const filter::PropertyLookup lookup = [properties](std::string_view name) {
      return protocol::find_property(properties, name);
    };
    return expression->matches(lookup);
  };
}

}  // namespace ringmq::broker
