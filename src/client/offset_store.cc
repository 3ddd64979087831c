#include "client/offset_store.h"

#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/json_writer.h"
#include "base/log.h"
#include "protocol/json_fields.h"
#include "protocol/message_queue.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace ringmq::client {

namespace response_code = remoting::response_code;
using remoting::RemotingCommand;

void OffsetStore::update(const MessageQueue& mq, std::int64_t offset, bool increase_only) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = table_.try_emplace(mq, offset);
  if (!inserted && (!increase_only || offset > it->second)) it->second = offset;
}

void OffsetStore::remove(const MessageQueue& mq) {
  std::lock_guard lock(mutex_);
  table_.erase(mq);
}

std::map<MessageQueue, std::int64_t> OffsetStore::snapshot() const {
  std::lock_guard lock(mutex_);
  return table_;
}

// Java's findBrokerAddressInAdmin, as RemoteBrokerOffsetStore uses it: the master when routed,
// else any replica of the group (a slave keeps what it is given until the master is back, §12.4).
// A group the cached route does not know sends us to the NameServer once, as Java does.
Result<std::string> RemoteBrokerOffsetStore::admin_address(const MessageQueue& mq) {
  RINGMQ_TRY_ASSIGN(TopicRouteData route, instance_.route(mq.topic));
  auto found = find_broker_address_in_subscribe(route, mq.broker_name, kMasterId);
  if (!found) {
    RINGMQ_TRY_ASSIGN(route, instance_.update_route(mq.topic));
    found = find_broker_address_in_subscribe(route, mq.broker_name, kMasterId);
  }
  if (!found) return make_error(Errc::not_found, fmt::format("broker {} is not in the route", mq.broker_name));
  return std::move(found->address);
}

Result<std::int64_t> RemoteBrokerOffsetStore::read(const MessageQueue& mq, ReadOffsetType type) {
  if (type != ReadOffsetType::read_from_store) {
    std::lock_guard lock(mutex_);
    if (auto it = table_.find(mq); it != table_.end()) return it->second;
    if (type == ReadOffsetType::read_from_memory) return -1;
  }
  RINGMQ_TRY_ASSIGN(std::string addr, admin_address(mq));
  auto request = RemotingCommand::request(remoting::request_code::kQueryConsumerOffset, instance_.serialize_type());
  request.ext_fields.append("consumerGroup", group_);
  request.ext_fields.append("topic", mq.topic);
  request.ext_fields.set_int("queueId", mq.queue_id);
  request.has_ext_fields = true;
  RINGMQ_TRY_ASSIGN(RemotingCommand response, instance_.invoke_sync(addr, std::move(request), kDefaultCallTimeoutMs));
  if (response.code == response_code::kQueryNotFound) return -1;
  if (response.code != response_code::kSuccess)
    return make_error(Errc::io, fmt::format("query offset of {}: code {}", mq.to_string(), response.code));
  RINGMQ_TRY_ASSIGN(std::int64_t offset, response.ext_fields.get_int64("offset"));
  update(mq, offset, false);
  return offset;
}

void RemoteBrokerOffsetStore::persist_all(const std::vector<MessageQueue>& mqs) {
  for (const auto& mq : mqs) {
    std::int64_t offset;
    {
      std::lock_guard lock(mutex_);
      auto it = table_.find(mq);
      if (it == table_.end()) continue;
      offset = it->second;
    }
    auto addr = admin_address(mq);
    if (!addr) {
      log_debug("persist offset of {}: {}", mq.to_string(), addr.error().to_string());
      continue;
    }
    auto request = RemotingCommand::request(remoting::request_code::kUpdateConsumerOffset, instance_.serialize_type());
    request.ext_fields.append("consumerGroup", group_);
    request.ext_fields.append("topic", mq.topic);
    request.ext_fields.set_int("queueId", mq.queue_id);
    request.ext_fields.set_int("commitOffset", offset);
    request.has_ext_fields = true;
    auto response = instance_.invoke_sync(*addr, std::move(request), kDefaultCallTimeoutMs);
    // Logged only: the offset stays in the table and the next persist tries again.
    if (!response) {
      log_debug("persist offset of {} to {}: {}", mq.to_string(), *addr, response.error().to_string());
    } else if (response->code != response_code::kSuccess) {
      log_debug("persist offset of {} to {}: code {} ({})", mq.to_string(), *addr, response->code,
                response->remark.value_or(""));
    }
  }
}

std::string default_offset_store_dir() {
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.rocketmq_offsets";
}

LocalFileOffsetStore::LocalFileOffsetStore(std::string dir, const std::string& instance_name, const std::string& group)
    : path_(fmt::format("{}/{}/{}/offsets.json", dir.empty() ? default_offset_store_dir() : dir, instance_name, group)) {}

Status LocalFileOffsetStore::load() {
  std::ifstream in(path_);
  if (!in) return {};  // first run
  std::stringstream text;
  text << in.rdbuf();
  const std::string json = text.str();
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::array entries;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS ||
      root["offsetTable"].get_array().get(entries) != simdjson::SUCCESS)
    return make_error(Errc::malformed, fmt::format("{} is not an offset file", path_));
  std::lock_guard lock(mutex_);
  for (auto entry : entries) {
    auto mq = protocol::json::message_queue_from(entry);
    std::int64_t offset = 0;
    if (!mq.ok() || entry["offset"].get_int64().get(offset) != simdjson::SUCCESS)
      return make_error(Errc::malformed, fmt::format("{}: bad entry", path_));
    table_[std::move(mq).value()] = offset;
  }
  return {};
}

Result<std::int64_t> LocalFileOffsetStore::read(const MessageQueue& mq, ReadOffsetType type) {
  if (type == ReadOffsetType::read_from_store) RINGMQ_TRY(load());
  std::lock_guard lock(mutex_);
  auto it = table_.find(mq);
  return it == table_.end() ? -1 : it->second;
}

void LocalFileOffsetStore::persist_all(const std::vector<MessageQueue>&) {
  JsonWriter w;
  w.begin_object().key("offsetTable").begin_array();
  for (const auto& [mq, offset] : snapshot()) {
    protocol::write_message_queue_offset(w, mq.topic, mq.broker_name, mq.queue_id, offset);
  }
  w.end_array().end_object();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  const std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << w.str();
    out.flush();
    if (!out) {
      log_warn("cannot write {}", tmp);
      return;
    }
  }
  std::filesystem::rename(tmp, path_, ec);
  if (ec) log_warn("cannot rename {}: {}", tmp, ec.message());
}

}  // namespace ringmq::client
