// AclService: one core's ACL 1.0 gate. It holds a PlainAccessValidator over the ACL files it
// loaded last, and poll() (run by a periodic timer on that core) reloads them when the set of files
// or any file's stamp (inode, size, modification time) changes, as RocketMQ's AclFileWatchService
// does. A set that no longer parses is logged and the previous rules stay in force.
//
// The files are RocketMQ 4.9.x's: every *.yml / *.yaml under the `acl` directory beside the main
// file (conf/acl/ beside conf/plain_acl.yml), in name order and recursively, then the main file.
// They are merged as PlainPermissionManager.load() merges them: the global white lists are joined,
// and an access key defined in two files keeps the account of the first (logged).
//
// Each core owns its own AclService: no sharing, no locks. The initial config is parsed once and
// shared read-only between the cores' services until each reloads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Bounds on the conf/acl tree that is read.
inline constexpr std::size_t kAclFilesMax = 256;
inline constexpr int kAclDirDepthMax = 8;

// The files that make up the rules of main file `path`, each with its stamp: the extra files
// under the acl directory beside it (sorted), then `path` itself.
using AclFileStamps = std::vector<std::pair<std::string, FileStamp>>;
Result<AclFileStamps> list_acl_files(const std::string& path);

// Merges configs in file order (see the class comment); `names` label the warnings.
PlainAclConfig merge_acl_configs(std::vector<PlainAclConfig> configs, const std::vector<std::string>& names);

struct LoadedAcl {
  std::shared_ptr<const PlainAclConfig> config;
  AclFileStamps stamps;
};
Result<LoadedAcl> load_acl(const std::string& path);

class AclService {
 public:
  AclService(std::string path, const LoadedAcl& loaded)
      : path_(std::move(path)), stamps_(loaded.stamps), validator_(loaded.config) {}

  // nullopt: the request may run; else the remark of its SYSTEM_ERROR refusal.
  std::optional<std::string> check(const remoting::RemotingCommand& request, std::string_view peer) const {
    return validator_.check(request, peer);
  }
  // Reloads the file if it changed; returns whether new rules are in force.
  bool poll();

  std::uint64_t reloads() const { return reloads_; }

 private:
  std::string path_;
  AclFileStamps stamps_;
  PlainAccessValidator validator_;
  std::uint64_t reloads_ = 0;
};

}  // namespace ringmq::broker::acl
