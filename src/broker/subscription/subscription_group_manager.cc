#include "broker/subscription/subscription_group_manager.h"

#include "base/clock.h"
#include "base/log.h"
#include "store/config_file.h"

#include <fmt/format.h>

namespace ringmq::broker {
namespace {
// MixAll's system groups, which 4.9.4 creates at start.
constexpr std::string_view kSystemGroups[] = {"TOOLS_CONSUMER",          "FILTERSRV_CONSUMER",     "SELF_TEST_C_GROUP",
                                              "CID_ONS-HTTP-PROXY",      "CID_ONSAPI_PULL",        "CID_ONSAPI_PERMISSION",
                                              "CID_ONSAPI_OWNER",        "CID_RMQ_SYS_TRANS"};
}  // namespace

Status SubscriptionGroupManager::load() {
  auto text = store::load_config_file(path_);
  if (text.ok()) {
    RINGMQ_TRY_ASSIGN(table_, decode_subscription_groups(*text));
  } else if (text.error().code != Errc::not_found) {
    return text.take_error();
  }
  bool added = false;
  for (std::string_view name : kSystemGroups) {
    if (table_.groups.count(std::string(name)) > 0) continue;
    SubscriptionGroupConfig c;
    c.group_name = std::string(name);
    if (name == "TOOLS_CONSUMER" || name == "SELF_TEST_C_GROUP") c.consume_broadcast_enable = true;
    table_.groups.emplace(c.group_name, c);
    added = true;
  }
  if (added) commit();
  return {};
}

const SubscriptionGroupConfig* SubscriptionGroupManager::find(std::string_view group) const {
  auto it = table_.groups.find(std::string(group));
  return it == table_.groups.end() ? nullptr : &it->second;
}

const SubscriptionGroupConfig* SubscriptionGroupManager::find_or_create(std::string_view group, bool& changed) {
  if (const SubscriptionGroupConfig* c = find(group)) return c;
  if (!auto_create_ || group.empty()) return nullptr;
  if (table_.groups.size() >= kSubscriptionGroupsMax) {
    log_warn("subscription group {} not auto-created: kSubscriptionGroupsMax={} reached", group, kSubscriptionGroupsMax);
    return nullptr;
  }
  SubscriptionGroupConfig c;
  c.group_name = std::string(group);
  auto [it, inserted] = table_.groups.emplace(c.group_name, c);
  log_info("auto-created subscription group {}", group);
  changed = true;
  commit();
  return &it->second;
}

bool SubscriptionGroupManager::at_limit(std::string_view group) const {
  return auto_create_ && find(group) == nullptr && table_.groups.size() >= kSubscriptionGroupsMax;
}

std::string SubscriptionGroupManager::limit_remark(std::string_view group) {
  return fmt::format("subscription group [{}] not exist and not auto-created: the broker holds the maximum of {} "
                     "groups (kSubscriptionGroupsMax)",
                     group, kSubscriptionGroupsMax);
}

void SubscriptionGroupManager::update(const SubscriptionGroupConfig& config) {
  table_.groups[config.group_name] = config;
  commit();
}

bool SubscriptionGroupManager::remove(std::string_view group) {
  const bool removed = table_.groups.erase(std::string(group)) > 0;
  if (removed) commit();
  return removed;
}

void SubscriptionGroupManager::commit() {
  table_.data_version.timestamp = wall_clock_ms();
  ++table_.data_version.counter;
  if (!path_.empty()) writer_.save(path_, encode());
}

}  // namespace ringmq::broker
