// KVConfigManager (docs/PROTOCOL.md §3.8): namespace -> key -> value, e.g. ORDER_TOPIC_CONFIG.
//
// Owned by the same core as the RouteInfoManager; single-threaded. Kept in memory; to_json() /
// load_json() give RocketMQ's kvConfig.json form ({"configTable":{ns:{k:v}}}) so the owner can
// persist it after each change (write temp, fsync, rename) off the request path.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmq::namesrv {

// The namespace whose table REGISTER_BROKER replies carry and route replies may quote.
inline constexpr std::string_view kNamespaceOrderTopicConfig = "ORDER_TOPIC_CONFIG";

class KvConfigManager {
 public:
  using Table = std::map<std::string, std::string, std::less<>>;

  void put(std::string_view ns, std::string_view key, std::string_view value);
  // nullptr when absent.
  const std::string* get(std::string_view ns, std::string_view key) const;
  // Returns whether the key existed. An emptied namespace stays, as in Java (its KVTable is {}).
  bool remove(std::string_view ns, std::string_view key);
  const Table* namespace_table(std::string_view ns) const;

  std::string to_json() const;
  // Replaces the contents with a kvConfig.json document.
  Status load_json(std::string_view json);

 private:
  std::map<std::string, Table, std::less<>> config_table_;
};

}  // namespace ringmq::namesrv
