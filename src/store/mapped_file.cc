#include "store/mapped_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <vector>

#include "base/log.h"
#include "store/file_util.h"

// Linux 5.14+; older libc headers lack the constant (the kernel then answers EINVAL).
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

namespace ringmq::store {
namespace {

// Zeros written per pwrite when pre-writing a file.
constexpr std::size_t kPrewriteChunkBytes = 1 << 20;

Status prewrite_zeros(int fd, std::size_t size_bytes, const std::string& path) {
  static const std::vector<char> zeros(kPrewriteChunkBytes, 0);
  std::size_t done = 0;
  while (done < size_bytes) {
    const std::size_t n = std::min(kPrewriteChunkBytes, size_bytes - done);
    const ssize_t w = ::pwrite(fd, zeros.data(), n, static_cast<off_t>(done));
    if (w < 0) {
      if (errno == EINTR) continue;
      return make_sys_error(errno, "pwrite " + path);
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fdatasync(fd) != 0) return make_sys_error(errno, "fdatasync " + path);
  return {};
}

// Reserves the blocks without writing them. ext4 and xfs support mode 0 fallocate; others (tmpfs
// before 5.x, some network file systems) answer EOPNOTSUPP, and then the ftruncate already done
// leaves a sparse file, which is still correct, only slower to first write.
Status allocate_blocks(int fd, std::size_t size_bytes, const std::string& path) {
  int rc;
  do {
    rc = ::fallocate(fd, 0, 0, static_cast<off_t>(size_bytes));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    if (errno != EOPNOTSUPP) return make_sys_error(errno, "fallocate " + path);
    static std::atomic<bool> logged{false};
    if (!logged.exchange(true)) log_warn("fallocate is not supported for {}; segments stay sparse", path);
  }
  // Makes the size and the allocation durable, so a crash cannot leave a short segment file.
  if (::fdatasync(fd) != 0) return make_sys_error(errno, "fdatasync " + path);
  return {};
}

}  // namespace

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, size_);
  if (fd_ >= 0) ::close(fd_);
}

Result<std::shared_ptr<MappedFile>> MappedFile::map(std::string path, std::int64_t start, int fd, std::size_t size_bytes) {
  void* p = ::mmap(nullptr, size_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    const int err = errno;
    ::close(fd);
    return make_sys_error(err, "mmap " + path);
  }
  return std::shared_ptr<MappedFile>(new MappedFile(std::move(path), start, fd, static_cast<std::uint8_t*>(p), size_bytes));
}

Result<std::shared_ptr<MappedFile>> MappedFile::open_existing(std::string path, std::int64_t start, std::size_t size_bytes) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return make_sys_error(errno, "open " + path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return make_sys_error(err, "fstat " + path);
  }
  if (static_cast<std::size_t>(st.st_size) != size_bytes) {
    ::close(fd);
    return make_error(Errc::corrupt, fmt::format("{} is {} bytes, expected {}", path, st.st_size, size_bytes));
  }
  return map(std::move(path), start, fd, size_bytes);
}

Result<std::shared_ptr<MappedFile>> MappedFile::create(std::string path, std::int64_t start, std::size_t size_bytes, FileFill fill) {
  if (path_exists(path)) return make_error(Errc::already_exists, "create " + path);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_sys_error(errno, "open " + tmp);
  Status st;
  if (::ftruncate(fd, static_cast<off_t>(size_bytes)) != 0) st = make_sys_error(errno, "ftruncate " + tmp);
  if (st.ok() && fill == FileFill::prewritten) st = prewrite_zeros(fd, size_bytes, tmp);
  if (st.ok() && fill == FileFill::allocated) st = allocate_blocks(fd, size_bytes, tmp);
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) st = make_sys_error(errno, "rename " + tmp);
  // Without this a crash could lose the name, and with it data fdatasync had made durable.
  if (st.ok()) st = fsync_dir(parent_dir(path));
  if (!st.ok()) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return st.take_error();
  }
  return map(std::move(path), start, fd, size_bytes);
}

Status MappedFile::prefault_for_write() const {
  if (::madvise(data_, size_, MADV_POPULATE_WRITE) == 0) return {};
  if (errno == EINVAL) {  // a kernel before 5.14: nothing to gain, nothing wrong
    static std::atomic<bool> logged{false};
    if (!logged.exchange(true)) log_info("madvise(MADV_POPULATE_WRITE) is not supported; segments are not prefaulted");
    return {};
  }
  return make_sys_error(errno, "madvise(MADV_POPULATE_WRITE) " + path_);
}

Status MappedFile::set_readahead(bool enabled) const {
  if (::madvise(data_, size_, enabled ? MADV_NORMAL : MADV_RANDOM) == 0) return {};
  return make_sys_error(errno, fmt::format("madvise({}) {}", enabled ? "MADV_NORMAL" : "MADV_RANDOM", path_));
}

void set_readahead_or_warn(const MappedFile& file, bool enabled) {
  if (Status st = file.set_readahead(enabled); !st.ok()) log_warn("{}", st.error().to_string());
}

Status MappedFile::sync() const {
  if (::fdatasync(fd_) != 0) return make_sys_error(errno, "fdatasync " + path_);
  return {};
}

Status MappedFile::unlink() { return remove_file(path_); }

}  // namespace ringmq::store
