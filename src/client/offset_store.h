// Consumer offsets (Java's OffsetStore): RemoteBrokerOffsetStore keeps clustering progress on the
// brokers (QUERY_CONSUMER_OFFSET / UPDATE_CONSUMER_OFFSET, §6.5); LocalFileOffsetStore keeps
// broadcasting progress in a file of this client, <dir>/<instance name>/<group>/offsets.json
// (standard JSON: {"offsetTable":[{"brokerName":..,"queueId":..,"topic":..,"offset":..}]}, not
// Java's fastjson object-keyed map), written to a temp file and renamed.
//
// An offset is the next queue offset to consume. Threading: any thread; a mutex guards the table.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/client_instance.h"
#include "client/message.h"

namespace ringmq::client {

enum class ReadOffsetType { memory_first_then_store, read_from_store, read_from_memory };

class OffsetStore {
 public:
  virtual ~OffsetStore() = default;
  virtual Status load() = 0;
  // Sets the offset; with `increase_only` a smaller value is ignored.
  void update(const MessageQueue& mq, std::int64_t offset, bool increase_only);
  // The offset, or -1 when none is known (then the consumer applies ConsumeFromWhere).
  virtual Result<std::int64_t> read(const MessageQueue& mq, ReadOffsetType type) = 0;
  // Writes the offsets of `mqs` where they are kept.
  virtual void persist_all(const std::vector<MessageQueue>& mqs) = 0;
  void remove(const MessageQueue& mq);
  std::map<MessageQueue, std::int64_t> snapshot() const;

 protected:
  mutable std::mutex mutex_;
  std::map<MessageQueue, std::int64_t> table_;
};

class RemoteBrokerOffsetStore : public OffsetStore {
 public:
  RemoteBrokerOffsetStore(ClientInstance& instance, std::string group) : instance_(instance), group_(std::move(group)) {}
  Status load() override { return {}; }
  Result<std::int64_t> read(const MessageQueue& mq, ReadOffsetType type) override;
  void persist_all(const std::vector<MessageQueue>& mqs) override;

 private:
  Result<std::string> admin_address(const MessageQueue& mq);

  ClientInstance& instance_;
  const std::string group_;
};

class LocalFileOffsetStore : public OffsetStore {
 public:
  LocalFileOffsetStore(std::string dir, const std::string& instance_name, const std::string& group);
  Status load() override;
  Result<std::int64_t> read(const MessageQueue& mq, ReadOffsetType type) override;
  void persist_all(const std::vector<MessageQueue>& mqs) override;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// $HOME/.rocketmq_offsets, as Java's rocketmq.client.localOffsetStoreDir default.
std::string default_offset_store_dir();

}  // namespace ringmq::client
