#include "broker/consumer_offset_manager.h"

namespace ringmq::broker {

std::string ConsumerOffsetManager::key(std::string_view topic, std::string_view group) {
  std::string k;
  k.reserve(topic.size() + group.size() + 1);
  k.append(topic).append("@").append(group);
  return k;
}

Status ConsumerOffsetManager::load() {
  auto text = store::load_config_file(path_);
  if (!text.ok()) return text.error().code == Errc::not_found ? Status{} : Status(text.take_error());
  RINGMQ_TRY_ASSIGN(table_, store::decode_consumer_offsets(*text));
  return {};
}

void ConsumerOffsetManager::commit(std::string_view group, std::string_view topic, std::int32_t queue_id,
                                   std::int64_t offset) {
  auto& queues = table_.offsets[key(topic, group)];
  auto [it, inserted] = queues.try_emplace(queue_id, offset);
  if (!inserted && it->second == offset) return;
  it->second = offset;
  dirty_ = true;
}

std::optional<std::int64_t> ConsumerOffsetManager::query(std::string_view group, std::string_view topic,
                                                         std::int32_t queue_id) const {
  auto it = table_.offsets.find(key(topic, group));
  if (it == table_.offsets.end()) return std::nullopt;
  auto q = it->second.find(queue_id);
  if (q == it->second.end()) return std::nullopt;
  return q->second;
}

std::vector<std::string> ConsumerOffsetManager::topics_of_group(std::string_view group) const {
  std::vector<std::string> out;
  for (const auto& [k, queues] : table_.offsets) {
    const auto at = k.rfind('@');
    if (at != std::string::npos && std::string_view(k).substr(at + 1) == group) out.push_back(k.substr(0, at));
  }
  return out;
}

std::vector<std::string> ConsumerOffsetManager::groups_of_topic(std::string_view topic) const {
  std::vector<std::string> out;
  for (const auto& [k, queues] : table_.offsets) {
    const auto at = k.rfind('@');
    if (at != std::string::npos && std::string_view(k).substr(0, at) == topic) out.push_back(k.substr(at + 1));
  }
  return out;
}

void ConsumerOffsetManager::remove_group(std::string_view group) {
  for (auto it = table_.offsets.begin(); it != table_.offsets.end();) {
    const auto at = it->first.rfind('@');
    if (at != std::string::npos && std::string_view(it->first).substr(at + 1) == group) {
      it = table_.offsets.erase(it);
      dirty_ = true;
    } else {
      ++it;
    }
  }
}

void ConsumerOffsetManager::persist() {
  if (!dirty_ || path_.empty()) return;
  dirty_ = false;
  writer_.save(path_, encode());
}

}  // namespace ringmq::broker
