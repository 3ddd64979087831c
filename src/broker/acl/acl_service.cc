#include "broker/acl/acl_service.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

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

namespace {

bool is_acl_file_name(std::string_view name) {
  return name.ends_with(".yml") || name.ends_with(".yaml");
}

// The *.yml / *.yaml files under `dir`, recursively (File.listFiles in PlainPermissionManager).
Status collect_acl_files(const std::string& dir, int depth, std::vector<std::string>& out) {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return {};  // no conf/acl directory: only the main file
    return make_sys_error(errno, fmt::format("opendir {}", dir));
  }
  std::vector<std::string> subdirs;
  Status status;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    std::string full = fmt::format("{}/{}", dir, name);
    struct stat st {};
    if (::stat(full.c_str(), &st) != 0) continue;  // removed while listed
    if (S_ISDIR(st.st_mode)) {
      subdirs.push_back(std::move(full));
    } else if (S_ISREG(st.st_mode) && is_acl_file_name(name)) {
      if (out.size() >= kAclFilesMax) {
        status = make_error(Errc::too_large, fmt::format("more than {} ACL files under {}", kAclFilesMax, dir));
        break;
      }
      out.push_back(std::move(full));
    }
  }
  ::closedir(handle);
  RINGMQ_TRY(status);
  if (depth >= kAclDirDepthMax) return {};
  for (const auto& sub : subdirs) RINGMQ_TRY(collect_acl_files(sub, depth + 1, out));
  return {};
}

std::string acl_dir_beside(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string("acl") : path.substr(0, slash + 1) + "acl";
}

}  // namespace

Result<AclFileStamps> list_acl_files(const std::string& path) {
  std::vector<std::string> names;
  RINGMQ_TRY(collect_acl_files(acl_dir_beside(path), 0, names));
  std::sort(names.begin(), names.end());
  std::erase(names, path);
  names.push_back(path);
  AclFileStamps out;
  out.reserve(names.size());
  for (auto& name : names) {
    auto stamp = stamp_of(name);
    if (!stamp) {
      if (&name == &names.back()) return stamp.error();  // the main file must be there
      continue;                                          // an extra file removed while listed
    }
    out.emplace_back(std::move(name), *stamp);
  }
  return out;
}

PlainAclConfig merge_acl_configs(std::vector<PlainAclConfig> configs, const std::vector<std::string>& names) {
  PlainAclConfig merged;
  for (std::size_t i = 0; i < configs.size(); ++i) {
    PlainAclConfig& config = configs[i];
    for (auto& white : config.global_white) merged.global_white.push_back(std::move(white));
    for (auto& [key, account] : config.accounts) {
      if (!merged.accounts.try_emplace(key, std::move(account)).second) {
        log_warn("ACL: the accessKey {} in {} is already defined in an earlier file; the first one is used", key,
                 i < names.size() ? names[i] : std::string("?"));
      }
    }
  }
  return merged;
}

Result<LoadedAcl> load_acl(const std::string& path) {
  // The stamps are taken first: a write that lands while we read is seen as a change next time.
  RINGMQ_TRY_ASSIGN(AclFileStamps stamps, list_acl_files(path));
  std::vector<PlainAclConfig> configs;
  std::vector<std::string> names;
  for (const auto& [name, stamp] : stamps) {
    RINGMQ_TRY_ASSIGN(PlainAclConfig config, load_plain_acl(name));
    configs.push_back(std::move(config));
    names.push_back(name);
  }
  auto merged = merge_acl_configs(std::move(configs), names);
  return LoadedAcl{std::make_shared<const PlainAclConfig>(std::move(merged)), std::move(stamps)};
}

bool AclService::poll() {
  auto stamps = list_acl_files(path_);
  if (!stamps || *stamps == stamps_) return false;  // a main file removed for a moment keeps the old rules
  stamps_ = std::move(*stamps);
  auto loaded = load_acl(path_);
  if (!loaded) {
    log_warn("ACL files of {} changed but one does not load, the previous rules stay: {}", path_, loaded.error().to_string());
    return false;
  }
  stamps_ = loaded->stamps;
  validator_ = PlainAccessValidator(loaded->config);
  ++reloads_;
  log_info("ACL files of {} reloaded: {} files, {} accounts", path_, stamps_.size(), loaded->config->accounts.size());
  return true;
}

}  // namespace ringmq::broker::acl
