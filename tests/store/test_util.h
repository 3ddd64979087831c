// Helpers shared by the store tests: a temporary directory and message builders.
#pragma once

#include <stdlib.h>

#include <string>
#include <string_view>

#include "store/file_util.h"
#include "store/record_format.h"

namespace ringmq::store::testing {

// A fresh directory under /tmp, removed (with its contents) when the object goes.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ringmq_store_test_XXXXXX";
    const char* p = ::mkdtemp(tmpl);
    RINGMQ_ASSERT(p != nullptr);
    path_ = p;
  }
  ~TempDir() { (void)remove_tree(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string sub(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// A message whose strings point at the given views (keep them alive for the call).
inline MessageInput message(std::string_view topic, int queue_id, std::string_view body, std::string_view properties = {}) {
  MessageInput m;
  m.topic = topic;
  m.queue_id = QueueId{queue_id};
  m.body = as_bytes(body);
  m.properties = properties;
  m.born_timestamp_ms = 1700000000000;
  m.born_host = HostAddress::ipv4(10, 0, 0, 5, 50000);
  m.store_host = HostAddress::ipv4(10, 0, 0, 9, 10911);
  m.tags_code = tag_hash_of(properties);
  return m;
}

inline std::string to_hex(Bytes b) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::uint8_t c : b) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

}  // namespace ringmq::store::testing
