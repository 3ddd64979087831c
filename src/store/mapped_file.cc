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
#include "store/file_ops.h"
#include "store/file_util.h"

namespace ringmq::store {
namespace {

// Zeros written per pwrite when pre-writing a range.
constexpr std::size_t kPrewriteChunkBytes = 1 << 20;

std::size_t round_up_page(std::size_t n) { return (n + kAllocatePageBytes - 1) / kAllocatePageBytes * kAllocatePageBytes; }

// Writes zeros over [from, to). Blocks get allocated by the writes themselves.
Status write_zeros(int fd, std::size_t from, std::size_t to, const std::string& path) {
  static const std::vector<char> zeros(kPrewriteChunkBytes, 0);
  while (from < to) {
    const std::size_t n = std::min(kPrewriteChunkBytes, to - from);
    const ssize_t w = fileops::pwrite(fd, zeros.data(), n, static_cast<off_t>(from));
    if (w < 0) {
      if (errno == EINTR) continue;
      return make_sys_error(errno, fmt::format("pwrite {} at {}", path, from));
    }
    from += static_cast<std::size_t>(w);
  }
  return {};
}

// Reserves blocks for [from, to) without writing them where the file system can (fallocate
// leaves unwritten extents that read as zeros); else writes zeros, which allocates them too.
// Either way a later write there cannot fail for lack of space.
Status reserve_blocks(int fd, std::size_t from, std::size_t to, const std::string& path) {
  int rc;
  do {
    rc = fileops::fallocate(fd, 0, static_cast<off_t>(from), static_cast<off_t>(to - from));
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return {};
  if (errno != EOPNOTSUPP) return make_sys_error(errno, fmt::format("fallocate {} [{}, {})", path, from, to));
  static std::atomic<bool> logged{false};
  if (!logged.exchange(true)) log_warn("fallocate is not supported for {}; reserving blocks by writing zeros", path);
  return write_zeros(fd, from, to, path);
}

// The first hole at or after 0: where the blocks of a file opened from disk end (everything
// before it has blocks). A file system without hole support answers the file size.
std::size_t first_hole(int fd, std::size_t size_bytes) {
  const off_t hole = ::lseek(fd, 0, SEEK_HOLE);
  if (hole < 0 || static_cast<std::size_t>(hole) >= size_bytes) return size_bytes;  // EOF is the only hole
  return static_cast<std::size_t>(hole) / kAllocatePageBytes * kAllocatePageBytes;
}

}  // namespace

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, size_);
  if (fd_ >= 0) ::close(fd_);
}

Result<std::shared_ptr<MappedFile>> MappedFile::map(std::string path, std::int64_t start, int fd, std::size_t size_bytes,
                                                    std::size_t allocated, bool fresh) {
  void* p = ::mmap(nullptr, size_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    const int err = errno;
    ::close(fd);
    return make_sys_error(err, "mmap " + path);
  }
  std::shared_ptr<MappedFile> f(new MappedFile(std::move(path), start, fd, static_cast<std::uint8_t*>(p), size_bytes));
  f->allocated_.store(allocated, std::memory_order_release);
  f->fresh_ = fresh;
  return f;
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
  return map(std::move(path), start, fd, size_bytes, first_hole(fd, size_bytes), false);
}

Result<std::shared_ptr<MappedFile>> MappedFile::create(std::string path, std::int64_t start, std::size_t size_bytes, FileFill fill) {
  if (path_exists(path)) return make_error(Errc::already_exists, "create " + path);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_sys_error(errno, "open " + tmp);
  Status st;
  if (fileops::ftruncate(fd, static_cast<off_t>(size_bytes)) != 0) st = make_sys_error(errno, "ftruncate " + tmp);
  if (st.ok() && fill == FileFill::prewritten) st = write_zeros(fd, 0, size_bytes, tmp);
  // Makes the size (and prewritten blocks) durable, so a crash cannot leave a short file.
  if (st.ok() && fill != FileFill::sparse && fileops::fdatasync(fd) != 0) st = make_sys_error(errno, "fdatasync " + tmp);
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) st = make_sys_error(errno, "rename " + tmp);
  // Without this a crash could lose the name, and with it data fdatasync had made durable.
  if (st.ok()) st = fsync_dir(parent_dir(path));
  if (!st.ok()) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return st.take_error();
  }
  return map(std::move(path), start, fd, size_bytes, fill == FileFill::prewritten ? size_bytes : 0, true);
}

Status MappedFile::allocate_to(std::size_t end, const AllocateMode& mode) {
  end = std::min(round_up_page(end), size_);
  if (end <= allocated()) return {};
  std::lock_guard lock(alloc_mu_);
  const std::size_t from = allocated_.load(std::memory_order_relaxed);
  if (end <= from) return {};  // the other caller got there first
  RINGMQ_TRY(reserve_blocks(fd_, from, end, path_));
  if (mode.write_zeros && fresh_) {
    RINGMQ_TRY(write_zeros(fd_, from, end, path_));
    // The zeros and their block allocation made durable here, off the writer: its own fdatasync
    // then only writes data, with no allocation to commit.
    if (fileops::fdatasync(fd_) != 0) return make_sys_error(errno, "fdatasync " + path_);
  }
  allocated_.store(end, std::memory_order_release);
  return {};
}

Status MappedFile::reserve_range(std::size_t offset, std::size_t length) {
  const std::size_t from = offset / kAllocatePageBytes * kAllocatePageBytes;
  const std::size_t to = std::min(round_up_page(offset + length), size_);
  if (from >= to) return {};
  int rc;
  do {
    rc = fileops::fallocate(fd_, 0, static_cast<off_t>(from), static_cast<off_t>(to - from));
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return {};
  if (errno != EOPNOTSUPP) return make_sys_error(errno, fmt::format("fallocate {} [{}, {})", path_, from, to));
  // No fallocate: write the range's own bytes back, which allocates its blocks and keeps them.
  for (std::size_t at = from; at < to;) {
    const ssize_t w = fileops::pwrite(fd_, data_ + at, to - at, static_cast<off_t>(at));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return make_sys_error(errno, fmt::format("pwrite {} at {}", path_, at));
    at += static_cast<std::size_t>(w);
  }
  return {};
}

std::size_t MappedFile::seek_data(std::size_t from) const {
  const off_t at = ::lseek(fd_, static_cast<off_t>(from), SEEK_DATA);
  return at < 0 ? (errno == ENXIO ? size_ : from) : static_cast<std::size_t>(at);
}

std::size_t MappedFile::seek_hole(std::size_t from) const {
  const off_t at = ::lseek(fd_, static_cast<off_t>(from), SEEK_HOLE);
  return at < 0 ? size_ : static_cast<std::size_t>(at);
}

Status MappedFile::set_readahead(bool enabled) const {
  if (::madvise(data_, size_, enabled ? MADV_NORMAL : MADV_RANDOM) == 0) return {};
  return make_sys_error(errno, fmt::format("madvise({}) {}", enabled ? "MADV_NORMAL" : "MADV_RANDOM", path_));
}

void set_readahead_or_warn(const MappedFile& file, bool enabled) {
  if (Status st = file.set_readahead(enabled); !st.ok()) log_warn("{}", st.error().to_string());
}

Status MappedFile::sync() const {
  if (fileops::fdatasync(fd_) != 0) return make_sys_error(errno, "fdatasync " + path_);
  return {};
}

Status MappedFile::unlink() { return remove_file(path_); }

}  // namespace ringmq::store
