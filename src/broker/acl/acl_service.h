// AclService: one core's ACL 1.0 gate. It holds a PlainAccessValidator over the plain_acl.yml it
// loaded last, and poll() (run by a periodic timer on that core) reloads the file when its stamp
// (inode, size, modification time) changes, as RocketMQ's AclFileWatchService does. A file that
// no longer parses is logged and the previous rules stay in force.
//
// Each core owns its own AclService: no sharing, no locks. The initial config is parsed once and
// shared read-only between the cores' services until each reloads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "broker/acl/plain_access_validator.h"
#include "broker/acl/plain_acl_config.h"

namespace ringmq::broker::acl {

// How often each core looks at the file (RocketMQ's watcher: 500 ms).
inline constexpr std::int64_t kAclWatchIntervalMs = 500;
// Where RocketMQ looks relative to ROCKETMQ_HOME.
inline constexpr std::string_view kDefaultAclFile = "conf/plain_acl.yml";

// `configured` if non-empty, else $ROCKETMQ_HOME/conf/plain_acl.yml; an error when neither exists.
Result<std::string> resolve_acl_path(const std::string& configured);

struct FileStamp {
  std::uint64_t inode = 0;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};
Result<FileStamp> stamp_of(const std::string& path);

struct LoadedAcl {
  std::shared_ptr<const PlainAclConfig> config;
  FileStamp stamp;
};
Result<LoadedAcl> load_acl(const std::string& path);

class AclService {
 public:
  AclService(std::string path, const LoadedAcl& loaded)
      : path_(std::move(path)), stamp_(loaded.stamp), validator_(loaded.config) {}

  // nullopt: the request may run; else the remark of its SYSTEM_ERROR refusal.
  std::optional<std::string> check(const remoting::RemotingCommand& request, std::string_view peer) const {
    return validator_.check(request, peer);
  }
  // Reloads the file if it changed; returns whether new rules are in force.
  bool poll();

  std::uint64_t reloads() const { return reloads_; }

 private:
  std::string path_;
  FileStamp stamp_;
  PlainAccessValidator validator_;
  std::uint64_t reloads_ = 0;
};

}  // namespace ringmq::broker::acl
