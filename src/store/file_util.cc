#include "store/file_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include "store/file_ops.h"

namespace ringmq::store {
namespace {

// Digits in a RocketMQ offset file name.
constexpr std::size_t kOffsetNameDigits = 20;

Status write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = fileops::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_sys_error(errno, "write " + path);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace

std::string parent_dir(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string offset_file_name(std::int64_t offset) { return fmt::format("{:020d}", offset); }

Result<std::int64_t> parse_offset_file_name(std::string_view name) {
  if (name.size() != kOffsetNameDigits) return make_error(Errc::malformed, fmt::format("not an offset file name: {}", name));
  std::int64_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return make_error(Errc::malformed, fmt::format("not an offset file name: {}", name));
    v = v * 10 + (c - '0');
  }
  return v;
}

bool path_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Status make_dirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return make_sys_error(ec.value(), "mkdir -p " + path);
  return {};
}

Result<std::vector<std::string>> list_dir(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return make_sys_error(errno, "opendir " + path);
  std::vector<std::string> names;
  while (dirent* e = ::readdir(dir)) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

Status remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return make_sys_error(errno, "unlink " + path);
  return {};
}

Status remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return make_sys_error(ec.value(), "rm -r " + path);
  return {};
}

Status fsync_dir(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return make_sys_error(errno, "open dir " + path);
  const int rc = fileops::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return make_sys_error(err, "fsync dir " + path);
  return {};
}

Result<std::string> read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_sys_error(errno, "open " + path);
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return make_sys_error(err, "read " + path);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

Status write_file_atomic(const std::string& path, std::string_view contents) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_sys_error(errno, "open " + tmp);
  Status st = write_all(fd, contents, tmp);
  if (st.ok() && fileops::fsync(fd) != 0) st = make_sys_error(errno, "fsync " + tmp);
  ::close(fd);
  if (!st.ok()) return st;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return make_sys_error(errno, "rename " + tmp);
  return fsync_dir(parent_dir(path));
}

Result<double> disk_usage_ratio(const std::string& path) {
  struct statvfs vfs;
  if (::statvfs(path.c_str(), &vfs) != 0) return make_sys_error(errno, "statvfs " + path);
  if (vfs.f_blocks == 0) return 0.0;
  const double used = static_cast<double>(vfs.f_blocks - vfs.f_bfree);
  const double usable = used + static_cast<double>(vfs.f_bavail);
  return usable > 0 ? used / usable : 0.0;
}

}  // namespace ringmq::store
