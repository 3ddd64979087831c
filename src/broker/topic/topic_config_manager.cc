#include "broker/topic/topic_config_manager.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "broker/metadata_writer.h"
#include "remoting/topic_validator.h"
#include "store/config_file.h"

namespace ringmq::broker {
namespace {

TopicConfig make_topic(std::string_view name, std::int32_t queues, std::int32_t perm_bits) {
  TopicConfig c;
  c.topic_name = std::string(name);
  c.read_queue_nums = queues;
  c.write_queue_nums = queues;
  c.perm = perm_bits;
  return c;
}

bool same_config(const TopicConfig& a, const TopicConfig& b) {
  return a.topic_name == b.topic_name && a.read_queue_nums == b.read_queue_nums &&
         a.write_queue_nums == b.write_queue_nums && a.perm == b.perm && a.topic_filter_type == b.topic_filter_type &&
         a.topic_sys_flag == b.topic_sys_flag && a.order == b.order;
}

}  // namespace

TopicConfigManager::TopicConfigManager(TopicConfigManagerOptions options)
    : options_(std::move(options)), snapshot_(std::make_shared<TopicSnapshot>()) {}

Status TopicConfigManager::load() {
  if (!options_.config_path.empty()) {
    auto text = store::load_config_file(options_.config_path);
    if (text.ok()) {
      RINGMQ_TRY_ASSIGN(table_, protocol::decode_topic_config_wrapper(*text));
      log_info("topics: loaded {} topics from {}", table_.topics.size(), options_.config_path);
    } else if (text.error().code != Errc::not_found) {
      return text.take_error();
    }
  }
  bool changed = false;
  add_system_topics(changed);
  if (table_.data_version.timestamp == 0) table_.data_version.timestamp = wall_clock_ms();
  if (changed) return commit();
  snapshot_ = std::make_shared<TopicSnapshot>(table_);
  return {};
}

// The topics a 4.9.4 broker creates in its TopicConfigManager constructor (the first register
// body of 01-broker-register.jsonl lists exactly these eight).
void TopicConfigManager::add_system_topics(bool& changed) {
  namespace st = remoting::system_topic;
  const std::int32_t rw = perm::kRead | perm::kWrite;
  const std::int32_t rwi = rw | perm::kInherit;
  std::vector<TopicConfig> wanted = {
      make_topic(st::kSelfTest, 1, rw),
      make_topic(st::kBenchmark, kBenchmarkTopicQueueNums, rw),
      make_topic(options_.cluster_name, kClusterTopicQueueNums, rwi),
      make_topic(options_.broker_name, 1, rwi),
      make_topic(st::kOffsetMovedEvent, 1, rw),
      make_topic(st::kSchedule, kScheduleTopicQueueNums, rw),
      make_topic(options_.cluster_name + std::string(st::kReplyTopicSuffix), 1, rw),
  };
  if (options_.auto_create_topic) {
    wanted.push_back(make_topic(st::kAutoCreateTopicKey, options_.default_topic_queue_nums, rwi));
  }
  for (const auto& c : wanted) {
    if (table_.topics.find(c.topic_name) == table_.topics.end()) {
      table_.topics.emplace(c.topic_name, c);
      changed = true;
    }
  }
}

void TopicConfigManager::put(const TopicConfig& config) { table_.topics[config.topic_name] = config; }

Status TopicConfigManager::commit() {
  table_.data_version.counter += 1;
  table_.data_version.timestamp = wall_clock_ms();
  snapshot_ = std::make_shared<TopicSnapshot>(table_);
  if (options_.config_path.empty()) return {};
  std::string json = protocol::encode_topic_config_wrapper(table_);
  if (options_.writer == nullptr) return store::save_config_file(options_.config_path, json);
  options_.writer->save(options_.config_path, std::move(json));
  return {};
}

Result<const TopicConfig*> TopicConfigManager::create_topic_in_send(std::string_view topic,
                                                                    std::string_view default_topic,
                                                                    std::int32_t client_queue_nums,
                                                                    std::int32_t topic_sys_flag, bool& changed) {
  changed = false;
  if (const TopicConfig* existing = find(topic)) return existing;
  const TopicConfig* tmpl = find(default_topic);
  if (tmpl == nullptr) {
    log_warn("topics: cannot auto-create {}: template topic {} does not exist", topic, default_topic);
    return static_cast<const TopicConfig*>(nullptr);
  }
  std::int32_t tmpl_perm = tmpl->perm;
  if (default_topic == remoting::system_topic::kAutoCreateTopicKey && !options_.auto_create_topic) {
    tmpl_perm = perm::kRead | perm::kWrite;
  }
  if (!perm::is_inherited(tmpl_perm)) {
    log_warn("topics: cannot auto-create {}: template {} has no inherit permission ({})", topic, default_topic,
             tmpl_perm);
    return static_cast<const TopicConfig*>(nullptr);
  }
  std::int32_t queues = std::min(client_queue_nums, tmpl->write_queue_nums);
  queues = std::clamp(queues, 0, kAutoCreatedQueueNumsMax);
  TopicConfig c = make_topic(topic, queues, tmpl_perm & ~perm::kInherit);
  c.topic_sys_flag = topic_sys_flag;
  c.topic_filter_type = tmpl->topic_filter_type;
  put(c);
  RINGMQ_TRY(commit());
  changed = true;
  log_info("topics: auto-created {} ({} queues) from {}", topic, queues, default_topic);
  return find(topic);
}

Result<const TopicConfig*> TopicConfigManager::create_topic_with_queues(std::string_view topic,
                                                                        std::int32_t queue_nums, std::int32_t perm_bits,
                                                                        bool& changed) {
  changed = false;
  if (const TopicConfig* existing = find(topic)) return existing;
  put(make_topic(topic, queue_nums, perm_bits));
  RINGMQ_TRY(commit());
  changed = true;
  return find(topic);
}

Status TopicConfigManager::update_topic_config(const TopicConfig& config) {
  auto it = table_.topics.find(config.topic_name);
  if (it != table_.topics.end() && same_config(it->second, config)) return {};
  put(config);
  log_info("topics: {} {} (read {}, write {}, perm {})", it == table_.topics.end() ? "created" : "updated",
           config.topic_name, config.read_queue_nums, config.write_queue_nums, config.perm);
  return commit();
}

Result<bool> TopicConfigManager::delete_topic(std::string_view topic) {
  auto it = table_.topics.find(std::string(topic));
  if (it == table_.topics.end()) return false;
  table_.topics.erase(it);
  RINGMQ_TRY(commit());
  log_info("topics: deleted {}", topic);
  return true;
}

}  // namespace ringmq::broker
