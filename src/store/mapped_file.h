// A fixed-size file mapped read-write with MAP_SHARED: the unit of CommitLog segments,
// ConsumeQueue files and index files. Named, as in RocketMQ, by the offset of its first byte.
//
// Lifetime and pinning: the owner holds a std::shared_ptr<MappedFile>; a reader that hands bytes of
// the mapping to the kernel (writev, SEND_ZC) holds a copy until the kernel is done. The mapping and
// the descriptor live until the last copy is dropped, so a segment is never unmapped under a
// reader; deleting (retention) waits until the owner's copy is the only one (pinned() is false).
// The reference count is atomic, so a pin may be dropped on another core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"

namespace ringmq::store {

enum class FileFill {
  sparse,      // ftruncate only: blocks are allocated when first written
  prewritten,  // zeros written and fdatasync'ed, so later fdatasync only writes data, not allocation
  // Blocks reserved with fallocate (unwritten extents, which read as zeros) and the size
  // fdatasync'ed, without writing the zeros. A later fdatasync must also convert the extents it
  // covers, so it costs more than on a prewritten file. Falls back to sparse where the file system
  // refuses fallocate.
  allocated,
};

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

  // Faults every page in writable (MADV_POPULATE_WRITE) so the first writer takes no page faults.
  // This dirties every page: the zeros reach the disk through writeback unless they are
  // overwritten first. An optimisation only: on kernels without it (before 5.14) it logs once and
  // returns ok; other failures are returned for the caller to log, the file stays usable.
  Status prefault_for_write() const;

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
  static Result<std::shared_ptr<MappedFile>> map(std::string path, std::int64_t start, int fd, std::size_t size_bytes);

  std::string path_;
  std::int64_t start_;
  int fd_;
  std::uint8_t* data_;
  std::size_t size_;
};

// set_readahead() for callers that only log a failure (it changes performance, never results).
void set_readahead_or_warn(const MappedFile& file, bool enabled);

using MappedFilePtr = std::shared_ptr<MappedFile>;

// True while someone besides the owner holds the file (a reader's pin).
inline bool pinned(const MappedFilePtr& f) { return f.use_count() > 1; }

}  // namespace ringmq::store
