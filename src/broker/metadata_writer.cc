#include "broker/metadata_writer.h"

#include <signal.h>

#include "base/log.h"
#include "store/config_file.h"

namespace ringmq::broker {

MetadataWriter::MetadataWriter() {
  thread_ = std::thread([this] { run(); });
}

MetadataWriter::~MetadataWriter() { flush(); }

void MetadataWriter::save(const std::string& path, std::string json) {
  {
    std::lock_guard lock(mutex_);
    waiting_[path] = std::move(json);
  }
  cv_.notify_one();
}

void MetadataWriter::flush() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void MetadataWriter::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
    if (waiting_.empty() && stopping_) return;
    std::map<std::string, std::string> batch;
    batch.swap(waiting_);
    lock.unlock();
    for (const auto& [path, json] : batch) {
      if (auto st = store::save_config_file(path, json); !st.ok()) {
        log_error("saving {} failed: {}", path, st.error().to_string());
      }
    }
    lock.lock();
  }
}

}  // namespace ringmq::broker
