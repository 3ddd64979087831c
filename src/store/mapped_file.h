// A fixed-size file mapped read-write with MAP_SHARED: the unit of CommitLog segments,
// ConsumeQueue files and index files. Named, as in RocketMQ, by the offset of its first byte.
//
// Lifetime and pinning: the owner holds a std::shared_ptr<MappedFile>; a reader that hands bytes of
// the mapping to the kernel (writev, SEND_ZC) holds a copy until the kernel is done. The mapping and
// the descriptor live until the last copy is dropped, so a segment is never unmapped under a
// reader; deleting (retention) waits until the owner's copy is the only one (pinned() is false).
// The reference count is atomic, so a pin may be dropped on another core.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "base/result.h"

namespace ringmq::store {

enum class FileFill {
  // ftruncate only: no blocks. Writers reserve blocks with allocate_to() before they write through
  // the mapping, in bounded chunks ahead of their write position.
  sparse,
  // sparse, plus the size fdatasync'ed before the file gets its final name, so a crash cannot
  // leave a short file under that name (CommitLog segments, made off the owner core).
  sparse_synced,
  // Zeros written and fdatasync'ed: every block allocated at once. For small files only (the
  // checkpoint file).
  prewritten,
};

// How allocate_to() reserves a range.
struct AllocateMode {
  // Also write zeros over the range and fdatasync them, so a later fdatasync of data there only
  // writes data (no unwritten-extent conversion, no allocation to commit). For --flush sync, on
  // the helper thread. Only on files this process created: it never writes over bytes it did not
  // reserve itself.
  bool write_zeros = false;
};

// Bytes allocate_to() rounds to.
inline constexpr std::size_t kAllocatePageBytes = 4096;

class MappedFile {
 public:
  // Maps an existing file, which must be exactly `size_bytes` long.
  static Result<std::shared_ptr<MappedFile>> open_existing(std::string path, std::int64_t start, std::size_t size_bytes);
  // Creates `path` of `size_bytes` (via `path`.tmp and rename, so a file with the final name always
  // has its full size) and maps it. Fails if `path` exists.
  static Result<std::shared_ptr<MappedFile>> create(std::string path, std::int64_t start, std::size_t size_bytes, FileFill fill);

  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  int fd() const { return fd_; }
  std::int64_t start() const { return start_; }
  const std::string& path() const { return path_; }

  // --- disk blocks (sparse files) ---
  // Bytes [0, allocated()) have disk blocks reserved (fallocate): a write through the mapping
  // there cannot fault (SIGBUS) for lack of space. Any thread may read it.
  std::size_t allocated() const { return allocated_.load(std::memory_order_acquire); }
  // Reserves blocks for [allocated(), end) (end rounded up to a page, capped at size()) with
  // fallocate, or by writing zeros where the file system has no fallocate. Safe to call from the
  // owner and one helper thread at once (a mutex orders them). Fails with Errc::no_space when the
  // disk is full; allocated() then stays where it was.
  Status allocate_to(std::size_t end, const AllocateMode& mode = {});
  // Reserves blocks for [offset, offset + length) (page-rounded) wherever it lies, keeping its
  // bytes, for files written at scattered places (index slot tables). Leaves allocated() alone.
  Status reserve_range(std::size_t offset, std::size_t length);
  // Calls visit(begin, end) for each range of [from, to) that has blocks or cached pages
  // (SEEK_DATA/SEEK_HOLE), to learn after a reopen which scattered pages were reserved. A file
  // system without hole support reports the whole range.
  template <typename Visit>
  void for_each_data_range(std::size_t from, std::size_t to, const Visit& visit) const {
    while (from < to) {
      const std::size_t data = seek_data(from);
      if (data >= to) return;
      const std::size_t hole = std::min(seek_hole(data), to);
      visit(data, hole);
      from = hole;
    }
  }

  // Turns kernel readahead for this mapping off (MADV_RANDOM) or back on (MADV_NORMAL). Files
  // written through page faults (the CommitLog segment being appended to, ConsumeQueues, index
  // files) turn it off: a fault on a page not yet in the page cache otherwise reads (for a new
  // file: zero-fills) a whole readahead window of up to megabytes at once, and the core that
  // faulted pays for all of it. Measured on the 2-vCPU VM: 10-75 ms stalls of a reactor in
  // ext4_mpage_readpages -> memset, which set the send p99. Without readahead each fault fills
  // one page. A sealed segment turns it back on for consumers reading it sequentially.
  // Advisory: a failure changes only performance; it is returned for the caller to log.
  Status set_readahead(bool enabled) const;

  // fdatasync of the whole file (the blocking form of what a FlushPlan asks for).
  Status sync() const;
  // Marks the file for deletion: it is unlinked now; the mapping stays valid for pin holders.
  Status unlink();

 private:
  MappedFile(std::string path, std::int64_t start, int fd, std::uint8_t* data, std::size_t size)
      : path_(std::move(path)), start_(start), fd_(fd), data_(data), size_(size) {}
  static Result<std::shared_ptr<MappedFile>> map(std::string path, std::int64_t start, int fd, std::size_t size_bytes,
                                                 std::size_t allocated, bool fresh);

  std::size_t seek_data(std::size_t from) const;  // size_ if none
  std::size_t seek_hole(std::size_t from) const;  // size_ if none

  std::string path_;
  std::int64_t start_;
  int fd_;
  std::uint8_t* data_;
  std::size_t size_;
  std::atomic<std::size_t> allocated_{0};
  bool fresh_ = false;  // created by this process (allocate_to may write zeros past allocated_)
  std::mutex alloc_mu_;
};

// set_readahead() for callers that only log a failure (it changes performance, never results).
void set_readahead_or_warn(const MappedFile& file, bool enabled);

using MappedFilePtr = std::shared_ptr<MappedFile>;

// True while someone besides the owner holds the file (a reader's pin).
inline bool pinned(const MappedFilePtr& f) { return f.use_count() > 1; }

}  // namespace ringmq::store
