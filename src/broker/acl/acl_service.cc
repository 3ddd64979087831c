#include "broker/acl/acl_service.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

#include "base/log.h"

namespace ringmq::broker::acl {

Result<std::string> resolve_acl_path(const std::string& configured) {
  if (!configured.empty()) return configured;
  const char* home = std::getenv("ROCKETMQ_HOME");
  if (home == nullptr || *home == '\0') {
    return make_error(Errc::invalid_argument,
                      "aclEnable: no --acl-file given and ROCKETMQ_HOME is not set (looked for $ROCKETMQ_HOME/conf/plain_acl.yml)");
  }
  return fmt::format("{}/{}", home, kDefaultAclFile);
}

Result<FileStamp> stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return make_sys_error(errno, fmt::format("stat {}", path));
  return FileStamp{static_cast<std::uint64_t>(st.st_ino), static_cast<std::int64_t>(st.st_size),
                   static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

Result<LoadedAcl> load_acl(const std::string& path) {
  // The stamp is taken first: a write that lands while we read is seen as a change next time.
  RINGMQ_TRY_ASSIGN(FileStamp stamp, stamp_of(path));
  RINGMQ_TRY_ASSIGN(PlainAclConfig config, load_plain_acl(path));
  return LoadedAcl{std::make_shared<const PlainAclConfig>(std::move(config)), stamp};
}

bool AclService::poll() {
  auto stamp = stamp_of(path_);
  if (!stamp || *stamp == stamp_) return false;  // a file removed for a moment keeps the old rules
  stamp_ = *stamp;
  auto loaded = load_acl(path_);
  if (!loaded) {
    log_warn("ACL file {} changed but does not load, the previous rules stay: {}", path_, loaded.error().to_string());
    return false;
  }
  validator_ = PlainAccessValidator(loaded->config);
  ++reloads_;
  log_info("ACL file {} reloaded: {} accounts", path_, loaded->config->accounts.size());
  return true;
}

}  // namespace ringmq::broker::acl
