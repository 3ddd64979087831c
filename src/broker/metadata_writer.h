// MetadataWriter: saves the broker's small JSON files (consumer offsets, delay offsets,
// subscription groups) off the reactor cores. Core 0 encodes the new content (microseconds) and
// hands it over; one helper thread writes it with store::save_config_file (temp file, fsync,
// rename), which takes milliseconds a core must not spend. Writes of one path coalesce: only the
// newest content waiting is written.
//
// Threading: save() from any thread (core 0 in practice) under a mutex that only this rare
// hand-off takes; never on the message data path. flush() (shutdown) writes what is waiting and
// joins the thread.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace ringmq::broker {

class MetadataWriter {
 public:
  MetadataWriter();
  ~MetadataWriter();
  MetadataWriter(const MetadataWriter&) = delete;
  MetadataWriter& operator=(const MetadataWriter&) = delete;

  void save(const std::string& path, std::string json);
  // Writes everything waiting, then stops the thread. Idempotent.
  void flush();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, std::string> waiting_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ringmq::broker
