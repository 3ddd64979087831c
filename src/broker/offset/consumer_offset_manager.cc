#include "broker/offset/consumer_offset_manager.h"

#include <fmt/format.h>

#include "store/config_file.h"

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
  RINGMQ_TRY_ASSIGN(table_, decode_consumer_offsets(*text));
  // A file written before the cap existed may hold more; it loads whole and only new entries wait.
  entries_ = 0;
  for (const auto& [k, queues] : table_.offsets) entries_ += queues.size();
  return {};
}

Status ConsumerOffsetManager::commit(std::string_view group, std::string_view topic, std::int32_t queue_id,
                                     std::int64_t offset) {
  if (queue_id < 0) return make_error(Errc::invalid_argument, fmt::format("queueId {} is negative", queue_id));
  if (offset < 0) return make_error(Errc::invalid_argument, fmt::format("commitOffset {} is negative", offset));
  const std::string k = key(topic, group);
  auto group_it = table_.offsets.find(k);
  if (group_it == table_.offsets.end() || group_it->second.count(queue_id) == 0) {
    if (entries_ >= kConsumerOffsetEntriesMax) {
      return make_error(Errc::too_large, fmt::format("the consumer offset table is full ({} entries, limit "
                                                     "kConsumerOffsetEntriesMax={})",
                                                     entries_, kConsumerOffsetEntriesMax));
    }
    if (group_it == table_.offsets.end()) group_it = table_.offsets.emplace(k, std::map<std::int32_t, std::int64_t>{}).first;
    group_it->second.emplace(queue_id, offset);
    ++entries_;
    dirty_ = true;
    return {};
  }
  std::int64_t& stored = group_it->second[queue_id];
  if (stored == offset) return {};
  stored = offset;
  dirty_ = true;
  return {};
}

Status ConsumerOffsetManager::clone_offsets(std::string_view src, std::string_view dst, std::string_view topic) {
  auto from = table_.offsets.find(key(topic, src));
  if (from == table_.offsets.end()) return {};
  const std::string to_key = key(topic, dst);
  auto to = table_.offsets.find(to_key);
  const std::size_t replaced = to == table_.offsets.end() ? 0 : to->second.size();
  if (entries_ - replaced + from->second.size() > kConsumerOffsetEntriesMax) {
    return make_error(Errc::too_large, fmt::format("the consumer offset table is full ({} entries, limit "
                                                   "kConsumerOffsetEntriesMax={})",
                                                   entries_, kConsumerOffsetEntriesMax));
  }
  std::map<std::int32_t, std::int64_t> copy = from->second;  // `from` may move when `to` is inserted
  entries_ = entries_ - replaced + copy.size();
  table_.offsets[to_key] = std::move(copy);
  dirty_ = true;
  return {};
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
      entries_ -= it->second.size();
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
