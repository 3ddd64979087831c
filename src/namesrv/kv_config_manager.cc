#include "namesrv/kv_config_manager.h"

#include <simdjson.h>

#include "base/json_writer.h"
#include "base/log.h"

namespace ringmq::namesrv {

void KvConfigManager::put(std::string_view ns, std::string_view key, std::string_view value) {
  auto ns_it = config_table_.find(ns);
  if (ns_it == config_table_.end()) {
    ns_it = config_table_.emplace(std::string(ns), Table{}).first;
    log_info("namesrv: kv config namespace {} created", ns);
  }
  auto key_it = ns_it->second.find(key);
  if (key_it == ns_it->second.end()) {
    ns_it->second.emplace(std::string(key), std::string(value));
  } else {
    key_it->second.assign(value);
  }
  log_info("namesrv: kv config put {} {}={}", ns, key, value);
}

const std::string* KvConfigManager::get(std::string_view ns, std::string_view key) const {
  const Table* table = namespace_table(ns);
  if (table == nullptr) return nullptr;
  const auto it = table->find(key);
  return it == table->end() ? nullptr : &it->second;
}

bool KvConfigManager::remove(std::string_view ns, std::string_view key) {
  const auto ns_it = config_table_.find(ns);
  if (ns_it == config_table_.end()) return false;
  const auto key_it = ns_it->second.find(key);
  if (key_it == ns_it->second.end()) return false;
  ns_it->second.erase(key_it);
  log_info("namesrv: kv config deleted {} {}", ns, key);
  return true;
}

const KvConfigManager::Table* KvConfigManager::namespace_table(std::string_view ns) const {
  const auto it = config_table_.find(ns);
  return it == config_table_.end() ? nullptr : &it->second;
}

std::string KvConfigManager::to_json() const {
  JsonWriter w;
  w.begin_object().key("configTable").begin_object();
  for (const auto& [ns, table] : config_table_) {
    w.key(ns).begin_object();
    for (const auto& [key, value] : table) w.key(key).value(value);
    w.end_object();
  }
  w.end_object().end_object();
  return w.take();
}

Status KvConfigManager::load_json(std::string_view json) {
  namespace dom = simdjson::dom;
  dom::parser parser;
  dom::object root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) {
    return make_error(Errc::malformed, "kvConfig.json is not a JSON object");
  }
  std::map<std::string, Table, std::less<>> loaded;
  dom::object namespaces;
  if (root["configTable"].get(namespaces) != simdjson::SUCCESS) {
    return make_error(Errc::malformed, "kvConfig.json has no configTable object");
  }
  for (dom::key_value_pair ns : namespaces) {
    dom::object entries;
    if (ns.value.get(entries) != simdjson::SUCCESS) {
      return make_error(Errc::malformed, fmt::format("kvConfig.json: namespace {} is not an object", ns.key));
    }
    Table& table = loaded[std::string(ns.key)];
    for (dom::key_value_pair entry : entries) {
      std::string_view value;
      if (entry.value.get(value) != simdjson::SUCCESS) {
        return make_error(Errc::malformed, fmt::format("kvConfig.json: {}/{} is not a string", ns.key, entry.key));
      }
      table.emplace(std::string(entry.key), std::string(value));
    }
  }
  config_table_ = std::move(loaded);
  return {};
}

}  // namespace ringmq::namesrv
